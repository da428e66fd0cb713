# Operators: broadcasts, /broadcasts, /stats; users: reminders, /mute, /unmute.

op-refused = ⛔ This command is for operators only.
op-private-only = 🔒 Please use operator commands in your private chat with the bot.

## /broadcast
bc-ask-content = 📣 New broadcast. Send the message now: text (formatting is kept), or a photo or document with a caption. This is the main version; you can add a Chinese variant next.
bc-ask-content-zh = 🇨🇳 Send the Chinese variant (chats set to Chinese get it; everyone else gets the main version).
bc-bad-content = 🤔 Please send text, or a photo or document with a caption.
bc-too-long = ✂️ That is too long: Telegram allows { $limit } characters here. Please send a shorter version.
bc-ask-zh = Add a Chinese variant for chats that use Chinese?
bc-btn-add-zh = ➕ Add a Chinese variant
bc-btn-no-zh = ➡️ No, the same for everyone
bc-ask-audience = 👥 Who should get it? Pick an audience (“Unfinished only” combines with any).
bc-aud-all = Everyone
bc-aud-stage = By stage
bc-aud-step = By step
bc-aud-lang = By language
bc-aud-idle = Idle for N days
bc-aud-unfinished-on = ☑️ Unfinished only
bc-aud-unfinished-off = ⬜ Unfinished only
# An audience in words (the chat's summary, the console): audience-companies with its
# conditions joined by audience-join, or audience-all.
audience-all = Every company
audience-companies = Companies { $conditions }
audience-join = {", "}
audience-in-stage = in stage { $number } “{ $stage }”
audience-at-step = at the step “{ $step }”
audience-using = using { $language }
audience-idle-for = with no progress for { $days ->
        [one] { $days } day
       *[other] { $days } days
    } or more
audience-not-certified = not certified yet
bc-ask-idle = ⏳ Idle for at least how many days? Pick one, or type a number (1–365).
bc-idle-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
bc-bad-idle = Please type a whole number of days between 1 and 365.
bc-btn-back = ⬅️ Back
bc-preview-en = 👀 Preview of the main version:
bc-preview-zh = 👀 Preview of the Chinese variant:
bc-when-now = right after you confirm
bc-when-at = at { $at }
bc-when-held = after quiet hours, at { $at } (“Send now anyway” sends it at once)
bc-summary = 📋 Audience: { $audience } · <b>{ $count }</b> { $count ->
        [one] company
       *[other] companies
    } (blocked and muted ones excluded). Sending { $when }.
bc-summary-muted = 🔕 Left out: { $muted } more { $muted ->
        [one] company that
       *[other] companies that
    } turned reminders off (/mute).
bc-btn-send = ✅ Confirm and send
bc-btn-send-anyway = 🌙 Send now anyway (quiet hours)
bc-btn-schedule = 🕒 Choose a send time
bc-btn-audience = 👥 Change audience
bc-btn-discard = 🗑 Discard
bc-ask-time = 🕒 When? Send a time like <code>10:00</code> or <code>2026-10-02 10:00</code> ({ $zone } time).
bc-bad-time = 🤔 I could not read that as a future time. Use <code>10:00</code> or <code>2026-10-02 10:00</code>.
bc-time-quiet = 🌙 That is within quiet hours, so it will go out at { $at } instead.
bc-discarded = 🗑 Broadcast discarded.
bc-not-draft = Broadcast #{ $id } was already confirmed or discarded.
bc-out-of-date = That button belongs to an earlier step of this broadcast. Please use the newest message.
bc-scheduled = 🕒 Broadcast #{ $id } scheduled for { $at }. /broadcasts shows it and can cancel it.
bc-held = 🌙 Broadcast #{ $id } is held until { $at } (quiet hours). /broadcasts shows it and can cancel it.
bc-started = 🚀 Broadcast #{ $id } is starting. Progress follows below.

## progress and /broadcasts
bc-status-scheduled = scheduled
bc-status-running = sending
bc-status-done = finished
bc-status-cancelled = cancelled
bc-progress-title = 📣 <b>Broadcast #{ $id }</b>: { $status }
bc-progress-counts = ✅ sent { $sent } · 🚫 blocked { $blocked } · ❌ failed { $failed } · ⏳ left { $left } (of { $total })
bc-progress-unknown = ❔ { $count } with no answer from Telegram (a timeout, or in flight when sending stopped): not resent, they may have arrived. `broadcast --resume ID --resend-unknown` sends them again.
bc-progress-cancelled = ✖️ { $count } not sent: the broadcast was cancelled before their turn.
bc-progress-eta = ⏱ about { $minutes } min to go
bcs-title = 📣 Recent broadcasts
bcs-none = No broadcasts yet. Send /broadcast to make one.
bcs-scheduled-at = 🕒 sends at { $at }
bcs-btn-cancel = ✖️ Cancel #{ $id }
bcs-cancelled = ✖️ Broadcast #{ $id } cancelled: nothing more will be sent.
bcs-not-cancellable = Broadcast #{ $id } is not scheduled or running any more.

## reminders
reminder-audit = 📬 Today is the expected result date for <b>{ $step }</b>. Has the audit passed?
reminder-audit-again = 📬 Checking in again: any result for <b>{ $step }</b>?
reminder-audit-late = 📬 The expected result date for <b>{ $step }</b> was { $date }. Has the audit passed?
# $support: "yes" when a support group is set up (then /ask is offered), else "no".
reminder-audit-ask = ⏳ Still no result for <b>{ $step }</b>, well after the expected date. { $support ->
        [yes] An operator can look into it with you: send /ask and your question.
       *[no] Check the audit's status in the Tmall service provider backend, and answer below as soon as you know.
    }
reminder-idle = 👋 A friendly reminder: you are at <b>{ $step }</b>. Whenever you are ready, answer below.
reminder-mute-hint = <i>Send /mute to stop reminders.</i>
mute-done = 🔕 Reminders are off for this chat. Send /unmute to turn them back on.
mute-already = 🔕 Reminders are already off. Send /unmute to turn them back on.
unmute-done = 🔔 Reminders are on again.
unmute-already = 🔔 Reminders are already on.

## /stats
stats-title = 📊 Certification funnel
stats-totals = Chats: { $total } · finished { $finished } · idle { $idle } · blocked { $blocked } · muted reminders { $muted }
stats-by-stage = Now at each stage (reached so far · working days in China spent in the stage by the chats that moved on: median and 90th percentile)
stats-stage = <b>{ $number } · { $stage }</b>: { $now } now · { $reached } reached · { $median }
stats-median = median { $median } · p90 { $p90 ->
        [one] { $p90 } working day
       *[other] { $p90 } working days
    }
stats-no-median = no company has moved on from this stage yet
stats-step = { "  " }• { $step }: { $count }
stats-rejections = Rejected audits, by the reason given
stats-rejection-step = <b>{ $step }</b>: { $count } rejected
stats-languages = Languages: { $languages }
stats-language = { $language } { $count }
stats-chart-title = Chats that reached each stage
stats-chart-finished = Certified
stats-chart-steps-title = Chats that reached each step
stats-chart-subtitle = { $date } · percentages of the { $started ->
        [one] { $started } chat
       *[other] { $started } chats
    } that started

## the operators' console: the per-step funnel
console-funnel-title = Certification funnel by step
console-funnel-summary = { $started } started · { $finished } certified · as of { $date }
console-funnel-desc = Each step's light bar is the share of the chats that started which reached it; its solid bar, the share there now.
console-funnel-reached = reached
console-funnel-now = there now
console-funnel-counts = reached { $reached } · now { $now } · left { $left }
console-funnel-percent = { $percent } of started
console-funnel-times = median { $median } · p90 { $p90 ->
        [one] { $p90 } working day
       *[other] { $p90 } working days
    }
console-funnel-no-times = no one has moved on yet
console-funnel-times-note = Times: working days in China, of the chats that moved on
