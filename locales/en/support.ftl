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
close-not-operator = 🔒 Only our support team can close tickets. To stop writing to them, press “Done”.

## The support group (operators' side)
ticket-topic-name = { $name } · #{ $number }
ticket-topic-name-blocked = ⛔ { $name } · #{ $number }
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
card-hint-plain = Reply to this message (or to any of theirs) to answer; reply with /status for their checklist, /close to close the ticket.
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

cmd-ask = Ask a human operator
