# Group chats and the operators' support channel. Telegram HTML is allowed; names are escaped.

## Team groups
group-admin-only = 🔒 Only this group's administrators can do that. Ask one of them, or use /status to see where the team is.
group-back-own-only = 🔒 /back undoes the last answer, and that one was given by someone else: only this group's administrators can undo another member's answer.
support-not-customer = This is the operators' support group: it has no certification of its own, so it gets no broadcasts or reminders. Tickets from companies appear here.
group-hello =
    👋 Hello! I walk your team through the Tmall International TP certification. Any member can answer the steps with the buttons; /reset and /language are for the group's administrators.
    Send /start@{ $bot } to begin.
group-hello-back = 👋 I'm back. Your team's progress was kept: send /start@{ $bot } to continue.

## Asking an operator (the user's side)
btn-ask = 💬 Ask an operator
btn-ask-done = ✅ Done, back to the steps
ask-not-configured = 🙁 Human support is not set up for this bot yet. /help shows what I can do on my own.
ask-open =
    💬 <b>Ask our team</b>
    Write your question now: text, a photo or a document (for example a screenshot of an error in the backend). Everything you send here goes to our operators until you press “Done”; their answers will appear in this chat.
ask-open-group = In this group, <b>reply to this message</b> so that I see your question.
ask-sent = 📨 Passed on to our team (ticket #{ $number }). You will get the answer here.
ask-question-sent = 📨 Your question is with our team (ticket #{ $number }); their answer will appear in this chat. Anything else you send here goes to them too, until you press “Done”.
ask-done = 👍 Back to the steps. Our operators' answers still reach you here; send /ask to write to them again.
ask-relay-failed = 😓 I could not pass your message on to our team just now. Nothing is lost: please send it again in a moment.
ticket-closed-user = ✅ Our team marked your question (ticket #{ $number }) as resolved. Send /ask whenever you need help again.
ticket-rate-ask = How did we do? Tap a rating: 1 is poor, 5 is excellent.
rate-button = { $rating } ⭐
rate-thanks = 🙏 Thank you for your rating!
rate-done = 🙏 Thank you! You rated our help { $rating } out of 5.
rate-already = You have rated this already ({ $rating } out of 5): the first rating counts. Thank you!
rate-stale = This rating is out of date: the ticket was reopened since. You can rate it when it is resolved again.
close-not-operator = 🔒 Only our support team can close tickets. To stop writing to them, press “Done”.

## The support group (operators' side)
ticket-topic-name = { $name } · #{ $number }
ticket-topic-name-blocked = ⛔ { $name } · #{ $number }
ticket-topic-held = { $topic } · 🙋 { $holder }
card-new = 🎫 <b>New ticket #{ $number }</b>
card-reopened = 🎫 <b>Ticket #{ $number } reopened</b>
card-user = 👤 { $name } · id <code>{ $id }</code>
card-username = 👤 { $name } (@{ $username }) · id <code>{ $id }</code>
card-group = 👥 Group: { $title } · id <code>{ $id }</code>
card-language = 🌐 Language: { $language }
card-step = 📍 Step: { $step }
card-step-unknown = 📍 Step: <code>{ $step }</code> (not in this flow: it was edited without a migration)
card-step-none = 📍 Has not started the walk-through yet
card-audit = ⏳ Audit submitted on { $submitted }; result expected by <b>{ $due }</b>
card-paused = ⏸ Automatic reminders to them are paused while this ticket waits for an answer (at most { $days } working days).
card-paused-operator = ⏸ An operator paused automatic reminders to them in the console.
card-waiting-rule = ⏱ Waits count in working hours ({ $hours }, China time, working days); unanswered for { $limit } working hours, it is escalated here.
card-first-answer = ⏱ First answer after { $hours } working hours.
card-wait-now = ⏱ Waiting for an answer for { $hours } working hours.
card-wait-escalated = ⏰ Waiting for an answer for { $hours } working hours: escalated.
desk-escalation = ⏰ Ticket #{ $number } ({ $name }) has waited { $hours } working hours for an answer (the limit is { $limit }). Please answer it.
card-hint-forum = Reply in this topic to answer; /status shows their checklist, /close closes the ticket.
card-finished = 🏁 <b>Certification finished on { $date }</b>: ticket and topic closed; /ask reopens them.
card-hint-plain = Reply to this message (or to any of theirs) to answer; reply with /status for their checklist, /close to close the ticket.
card-taken = 🙋 Taken by { $operator }
card-taken-over = 🙋 Taken by { $operator } (taken over from { $previous })
btn-take = 🙋 Take this ticket
btn-take-over = 🙋 Take it over
ticket-mention = 🔔 { $operator }, a new message on ticket #{ $number } (yours).
take-done = 🙋 You took ticket #{ $number } ({ $name }).
take-over-done = 🙋 You took over ticket #{ $number } from { $previous }.
take-over-notice = 🙋 { $operator } took over ticket #{ $number } from { $previous }.
take-already = You already hold ticket #{ $number }: nothing changed.
take-closed = Ticket #{ $number } is closed, so it cannot be taken. It can be taken once the user reopens it with /ask.
take-stale = This card is out of date: take the ticket from its latest card, or send /take in its topic.
take-not-operator = 🔒 Only our support team can take tickets.
take-where = Send /take inside a ticket's topic in the support group, or as a reply to its card.
support-no-ticket = This is not a ticket. Use /status and /close inside a ticket's topic, or as a reply to a ticket's message.
support-status-title = 📋 Checklist of { $name } (ticket #{ $number })
support-status-none = { $name } (ticket #{ $number }) has not started the walk-through yet.
close-done = 🔒 Ticket #{ $number } closed; { $name } was told.
close-done-undelivered = 🔒 Ticket #{ $number } closed. { $name } could not be told: they have blocked the bot.
close-already = Ticket #{ $number } is already closed. The user can reopen it with /ask.
close-usage = Send /close inside a ticket's topic in the support group, or /close followed by the ticket number.
close-unknown = There is no ticket #{ $number }.
delivery-blocked = ⛔ Not delivered: { $name } has blocked the bot. The ticket is marked as blocked.
delivery-failed = ⚠️ Not delivered to { $name }: Telegram refused the message ({ $reason }).
delivery-closed = 🔒 Ticket #{ $number } is closed, so this was not sent. The user can reopen it with /ask.
canned-list = 💬 <b>Canned replies</b> for { $name }, sent in { $language }: <code>/reply NAME</code>
canned-none = No canned replies are set up yet: add them to <code>locales/en/replies.ftl</code> and <code>locales/zh/replies.ftl</code>.
canned-unknown = There is no canned reply “{ $reply }”.
canned-unavailable-audit-date = not for now: no audit is waiting
canned-unavailable-step = not for now: no current step
canned-needs-audit-date = ⚠️ Not sent: “{ $reply }” gives the expected audit date, and { $name } is not waiting for an audit, so there is none. Answer in your own words instead.
canned-needs-step = ⚠️ Not sent: “{ $reply }” names the current step, and { $name } is at no step of this flow. Answer in your own words instead.
canned-sent = ✅ Sent “{ $reply }” to { $name } ({ $language }):
canned-not-operator = 🔒 Only our support team can send canned replies.
canned-usage = Send /reply inside a ticket's topic in the support group, or as a reply to a ticket's message.

cmd-ask = Ask a human operator
