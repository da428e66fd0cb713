# The operators' console (web pages and the /console command).
console-brand = Tmall TP · Operators
console-title = Console
console-nav-board = Companies
console-nav-funnel = Funnel
console-nav-broadcasts = Broadcasts
console-sign-out = Sign out
console-any = Any
console-back-to-board = Back to the companies
console-error-title = That did not work
console-bad-form = The form was out of date or incomplete. Reload the page and try again.
console-footer-times = Times are China Standard Time; working days follow mainland China's official calendar.
console-no-company = There is no company with that id.
console-no-document = There is no such file of this company, or it is not downloaded yet.
# Between a label and its value: "Last activity: …".
console-colon = {": "}

## signing in
console-signin-title = Sign in to the operators' console
console-signin-link-intro = This one-time link signs you in on this device. It works once and expires a few minutes after it was sent.
console-signin-button = Sign in
console-signin-how = Send /console to the bot in your private chat: it answers with a button that opens the console inside Telegram, and a one-time link for a browser.
console-need-signin = Please sign in first. This page is for the agency's operators only.
console-link-refused = This sign-in link was already used, has expired, or is not for an operator. Ask the bot for a new one with /console.
console-app-refused = Telegram's sign-in could not be verified (or you are not an operator). Close the console and open it again from the bot.
console-app-used = This sign-in from Telegram was already used. Close the console and open it again from the bot.
console-signin-too-many = Too many failed sign-ins from this address. Wait a minute, then try again.
console-app-signing-in = Signing you in through Telegram…
console-app-needs-script = Signing in inside Telegram needs JavaScript. Use the one-time link from /console instead.
console-app-no-data = Open the console from the bot's menu button or with /console in Telegram.
console-signed-out = You are signed out.

## the board
console-board-title = Companies
console-board-count = { $count ->
    [one] 1 company
   *[other] { $count } companies
}
console-board-empty = No company matches these filters.
console-filter-search = Search
console-filter-search-hint = Name or chat id
console-filter-stage = Stage
console-filter-step = Step
console-filter-language = Language
console-filter-stuck = At the same step for
console-stuck-option = { $days ->
    [one] 1 working day or more
   *[other] { $days } working days or more
}
console-filter-overdue = Audit overdue
console-filter-waiting = Waiting for us
console-filter-mine = Mine (tickets I took)
console-filter-unassigned = Unassigned, waiting for us
console-filter-move = Whose move
console-move-client = The client's
console-move-audit = Tmall's audit
console-move-ours = Ours
console-filter-documents = Documents
console-filter-documents-review = Documents to review
console-filter-documents-revision = Needs revision
console-filter-apply = Show
console-filter-clear = Clear
console-export-csv = Export this view (CSV)
console-export-busy = Your previous export is still being prepared. Wait until it has downloaded, then export again.
console-evidence-pack = Download the evidence pack
console-col-company = Company
console-col-step = Current step
# A step id the flow does not have (the flow was edited without a migration).
console-step-unknown = not in this flow (edited without a migration): move it to a step
console-col-days = Working days at this step
console-col-audit = Expected audit result
console-col-activity = Last activity
console-col-flags = Status
console-col-move = Whose move
console-move-audit-due = Tmall's audit, expected { $date }
console-move-ours-ticket = a ticket waits for us
console-move-ours-documents = documents to review
console-wait-now = waiting { $hours } working h
console-first-answer = first answer after { $hours } working h
console-kind-private = Private chat
console-kind-group = Team group
console-flag-overdue = overdue
console-flag-finished = certified
console-flag-waiting = waiting for us
console-flag-holder = 🙋 { $name }
console-flag-ticket = open question
console-flag-muted = reminders off
console-flag-inactive = blocked the bot
console-flag-paused = nudges paused
console-paused-operator = Automatic nudges paused by operator { $operator }
console-paused-waiting = Automatic nudges paused while the ticket waits for us, until { $date } at the latest
console-page-previous = Previous
console-page-next = Next
console-page-of = Page { $page } of { $pages }

## a company
console-company-where = Where it stands
console-company-checklist = Checklist
console-reopened = 🔁 Reopened by the rejection: { $steps } — then back to “{ $step }” to submit again.
console-documents-title = Documents
console-doc-state-received = Received, to review
console-doc-state-approved = Approved
console-doc-state-needs_revision = Needs revision
console-doc-state-missing = Missing
console-doc-fetching = being downloaded from Telegram
console-doc-required = Not sent yet (required)
console-doc-optional = Not sent yet (optional)
console-doc-note = Note for the company (needed for a revision)
console-doc-approve = Approve
console-doc-revise = Needs revision
console-move-title = Move to a step
console-move-to = Step
console-move-by-rules = Allowed by the flow
console-move-other = Other steps (needs the override)
console-move-reason = Reason (kept in the history)
console-move-override = Override the flow's rules
console-move-button = Move
console-move-hint = The company's chat shows the new step at once, with its buttons.
console-moved-notice = An operator updated your progress. This is your current step:
console-reject-title = Record the audit's rejection
console-reject-reason = Reason Tmall gave
console-reject-button = Record the rejection
console-reject-hint = The company gets this reason's fix in its language, and only the steps it concerns reopen.
console-rejected-notice = Our team recorded why your audit was rejected, and what to do about it:
console-message-title = Message the company
console-message-hint = Sent as the support desk's answer, in the company's chat.
console-message-button = Send
console-message-header = Message from the support desk
console-message-copy = Sent from the console by operator { $operator }: { $text }
console-reply-title = Send a canned reply
console-reply-hint = Sent in the company's language ({ $language }) as the support desk's answer; its ticket's topic gets a copy. Replies are in locales/*/replies.ftl.
console-reply-button = Send the reply
console-reply-copy = Sent from the console by operator { $operator }, canned reply “{ $reply }”: { $text }
console-mute-button = Turn reminders off
console-unmute-button = Turn reminders on
console-pause-button = Pause automatic nudges
console-resume-button = Resume automatic nudges
console-pause-hint = Idle nudges and audit follow-ups wait while paused, and go out once resumed.
console-timeline-title = History
console-event-operator-move = Operator { $operator } moved it:
console-event-operator-message = Operator { $operator } sent a message
console-event-ticket-take = Operator { $operator } took ticket #{ $number }
console-event-ticket-rating = Rated ticket #{ $number }: { $rating } out of 5
console-event-document-review = Operator { $operator } reviewed a file
console-event-operator-mute = Operator { $operator } turned reminders off
console-event-operator-unmute = Operator { $operator } turned reminders on
console-event-operator-pause = Operator { $operator } paused automatic nudges
console-event-operator-resume = Operator { $operator } resumed automatic nudges
console-event-override = override
console-event-migrate = Flow updated to version { $version }
console-event-start = Started
console-event-back = Went back
console-event-reset = Started over
console-event-language = Language changed
console-event-by = by { $user }
console-tickets-title = Questions to the support desk
console-tickets-none = No questions so far.
console-ticket-open = open
console-ticket-closed = closed
console-ticket-holder = Taken by { $name } (id { $id })
console-ticket-unassigned = Not taken by anyone yet
console-ticket-card = question opened
console-ticket-in = message from the company
console-ticket-out = answer from the desk
console-received-title = Broadcasts received
console-received-none = No broadcasts so far.
console-received-status = Delivery
console-received-at = When
console-notice-moved = Moved. The company's chat now shows the new step.
console-notice-move-unknown-chat = There is no such company.
console-notice-move-unknown-step = The flow has no such step.
console-notice-move-same-step = The company is already at that step.
console-notice-move-no-reason = Give a reason for the move.
console-notice-move-not-allowed = The flow does not lead there from the current step. Tick "Override the flow's rules" to move it anyway.
console-notice-move-changed = The company moved meanwhile. Check where it is now and try again.
console-notice-rejected = The rejection is recorded; the company got the reason's fix and its reopened step.
console-notice-reject-unknown-chat = There is no such company.
console-notice-reject-unknown-reason = That is not a reason of this audit step.
console-notice-reject-stale = The company is no longer at that audit step (it moved meanwhile). Check where it is now and try again.
console-notice-reject-duplicate = That rejection was recorded already.
console-notice-review-approved = The file is approved.
console-notice-review-revision = The file is sent back for a revision: the company got your note and the document counts as missing again.
console-notice-review-revision-unsent = The file is sent back for a revision, but the company's chat could not be reached (it may have blocked the bot): tell them another way. The document counts as missing again.
console-notice-review-no-file = There is no such file of this company.
console-notice-review-not-stored = That file is not downloaded yet: review it once it is here.
console-notice-review-stale = The page was out of date (the company moved or sent a newer file). Check the page and try again.
console-notice-review-no-note = A revision needs a note for the company: write what to change.
console-notice-review-long-note = The note is too long (at most 1,000 characters).
console-notice-review-bad-verdict = Choose Approve or Needs revision.
console-notice-message-sent = Message sent.
console-notice-message-empty = Write a message first.
console-notice-message-long = The message is too long for Telegram.
console-notice-message-blocked = Not sent: the company has blocked the bot.
console-notice-message-failed = Not sent: Telegram refused it.
console-notice-message-unknown = Telegram did not answer: the message may or may not have arrived.
console-notice-reply-sent = Canned reply sent.
console-notice-reply-none = Choose one of the canned replies.
console-notice-reply-needs-audit-date = Not sent: that reply gives the expected audit date, and this company is not waiting for an audit.
console-notice-reply-needs-step = Not sent: that reply names the current step, and this company is at no step of this flow.
console-notice-reply-blocked = Not sent: the company has blocked the bot.
console-notice-reply-failed = Not sent: Telegram refused it.
console-notice-reply-unknown = Telegram did not answer: the reply may or may not have arrived.
console-notice-muted = Reminders are off for this company.
console-notice-unmuted = Reminders are on again for this company.
console-notice-paused = Automatic nudges are paused for this company.
console-notice-resumed = Automatic nudges are on again for this company.
console-notice-unchanged = Nothing changed.

## the funnel page
console-fp-title = Where companies get stuck
console-fp-intro = Per step: how many companies reached it, how many are there now, how many left the flow there, and how many Chinese working days a visit to it took (median and 90th percentile).
console-fp-computing = The funnel is being worked out from the whole history; this page shows it as soon as it is ready.
console-fp-reached = Reached
console-fp-now = There now
console-fp-left = Left there
console-fp-median = Median (working days)
console-fp-p90 = 90th percentile
console-fp-download = Download the chart (SVG)
console-fp-rejections = Rejected audits, by reason
console-fp-rejections-intro = Each time an audit was rejected, with the reason the company chose in the chat or an operator recorded here; “Other / not stated” also counts rejections recorded before the flow had reasons.
console-fp-reason = Reason
console-fp-rejected = Rejections
console-fp-rejections-csv = Download as CSV
console-ratings-title = Satisfaction
console-ratings-intro = The companies' ratings of their closed tickets (1 to 5), by the operator who held the ticket when it closed.
console-ratings-operator = Operator
console-ratings-count = Ratings
console-ratings-average = Average
console-ratings-overall = All operators
console-ratings-nobody = Not taken by anyone
console-ratings-none = No ratings yet.

## broadcasts
console-broadcasts-title = Broadcasts
console-broadcasts-none = No broadcasts yet.
console-broadcasts-live = This page updates itself while a broadcast is being sent.
console-broadcast-new = New broadcast
console-broadcast-audience = Audience
console-broadcast-status = Status
console-broadcast-left = Still to send
console-broadcast-created = Created
console-broadcast-cancel = Cancel
console-broadcast-scheduled = scheduled
console-broadcast-at = sends { $at }
console-broadcast-running = sending
console-broadcast-done = done
console-broadcast-cancelled = cancelled
console-delivery-sent = Sent
console-delivery-blocked = Blocked
console-delivery-failed = Failed
console-delivery-unknown = Unknown
console-delivery-pending = Waiting
console-delivery-sending = Sending
console-delivery-cancelled = Cancelled
console-notice-created = The broadcast is being sent; the table below shows its progress.
console-notice-held = The broadcast is held until quiet hours end; the table shows when it goes.
console-notice-cancelled = Cancelled. What was not sent yet stays unsent.
console-notice-not = It could not be cancelled: it has finished already.
console-compose-hint = Telegram's formatting: <b>bold</b>, <i>italic</i>, <a href="https://…">links</a>. Companies get the text of their language; if one is empty, they get the other.
console-compose-preview = Preview
console-compose-send = { $count ->
    [one] Send to 1 company
   *[other] Send to { $count } companies
}
console-compose-preview-title = { $count ->
    [one] Preview · 1 company in the audience
   *[other] Preview · { $count } companies in the audience
}
console-compose-empty = Write the message in at least one language.
console-compose-too-long = { $variant }: the message is { $length } characters long; Telegram allows { $limit }.
console-compose-send-held = { $count ->
    [one] Send to 1 company at { $at }
   *[other] Send to { $count } companies at { $at }
}
console-compose-send-anyway = Send now anyway
console-compose-when-now = It goes out as soon as you send it.
console-compose-when-held = Quiet hours ({ $window }): it is held until { $at }, unless you send it now anyway.
console-compose-muted = { $muted ->
    [one] 1 more company is left out: it turned reminders off (/mute).
   *[other] { $muted } more companies are left out: they turned reminders off (/mute).
}

## /console in Telegram
console-cmd-intro = The operators' console: every company, where it is stuck, its history; broadcasts.
console-cmd-open = Open the console
console-cmd-link = Or in a browser, with this one-time link (valid { $minutes } minutes): { $link }
console-cmd-link-only = Open it in a browser with this one-time link (valid { $minutes } minutes): { $link }
