# The bot's own texts (commands, notices, status). Telegram HTML is allowed.

header-before-stages = { $stage }
header-stage = Stage { $number } of { $total } · { $stage }
header-step = Step { $number } of { $total } · { $step }
answered = 📝 { $step }: { $answer }
# An audit rejected: which reason Tmall gave (buttons), then its fix and what reopens.
reject-ask = ❓ Which reason did Tmall give for the rejection? Choose it, and I will tell you exactly what to correct and reopen only the steps it concerns.
reject-other = ❔ Other / not stated
reject-echo = 📝 { $step }: ❌ rejected · { $reason }
reject-reopened = 🔁 Reopened: { $steps }
reopened-walk = 🔁 Tmall asked to fix this: { $count ->
        [one] 1 step to redo
       *[other] { $count } steps to redo
    }, then back to “{ $step }” to submit again.
reject-documents = 📎 Please send again: { $documents }. /documents shows what is still missing.
reject-documents-asked = 📎 Please send here: { $documents }. The step below says which kinds of file; /documents shows what is still missing.
reject-reason-unknown = That reason is not one of this audit's. Please choose one of the buttons of the latest message.

welcome-back = 👋 Welcome back! Here is where you are:
need-start = Send /start to begin the certification walk-through.
use-buttons = 👇 Please answer with the buttons below.
unknown-command = 🤔 I don't know that command. /help lists what I can do.
button-unknown = This button is not recognised. Send /status to see where you are.
button-stale = That button belongs to an earlier message. Your current step is: { $step }. Use the latest message, or send /status.
button-stale-plain = That button belongs to an earlier message. Send /status to see where you are.
answer-saved = ✅ Your last answer was saved; the reply to it did not get through. Here is where you are now.
error-safe = 😓 Something went wrong on our side. Your progress is saved and safe; please try again.
# $support: "yes" when a support group is set up (then /ask is offered), else "no".
state-unknown = 😕 Your saved progress points at a step this version of the guide does not have, so I cannot show it. The team has been told. Send /back to return to the step before it, /reset to start the checklist again, or wait: once an operator moves you to a current step, /status shows it{ $support ->
        [yes] . Or /ask to reach an operator.
       *[no] .
    }
date-provisional = {" "}(provisional: the official { $year } holiday schedule is not published yet)

back-done = ↩️ Went back one step.
back-nothing = There is nothing to undo: you are at the beginning.
reset-confirm = ⚠️ Start over from the beginning? Your answers so far will be cleared.
btn-reset-confirm = Yes, start over
btn-reset-cancel = No, keep my progress
reset-done = 🔄 Progress cleared. Starting again.
reset-cancelled = 👍 Kept your progress.

language-name = English
language-choose = Choose your language:
language-set = ✅ Language: English

status-title = 📋 Certification progress
status-count = { $done } of { $total } steps done
status-stage = Stage { $number } · { $stage }
status-detour = ➡️ Right now: { $step }
# $step: a step id the flow does not have (a flow edited without a migration).
status-unknown = ⚠️ Right now: <code>{ $step }</code>, a step this version of the guide does not have
status-audit = ⏳ Audit submitted on { $submitted }; result expected by <b>{ $due }</b>.

summary-title = 🧾 Your path
summary-stage = ✅ { $stage }: { $date }
summary-audit = 📨 { $step }: submitted { $submitted }, passed { $passed }
summary-loops = 🔁 New applications or resubmissions along the way: { $count }
summary-duration = 📅 From { $start } to { $end }: { $days ->
        [one] { $days } day
       *[other] { $days } days
    }

# $support: "yes" when a support group is set up (then /ask is listed), else "no".
help =
    <b>Tmall International TP certification assistant</b>
    I walk your company through the three stages of the certification and remember your progress. Answer each step with the buttons.

    /start – begin, or show where you are
    /status – checklist of all steps and the expected audit date
    /documents – the documents sent and the ones still missing
    /back – undo your last answer
    /language – switch between English and 中文
    /reset – start over from the beginning{ $support ->
        [yes] {""}
            /ask – ask a person (an operator) for help
       *[no] {""}
    }
    /mute, /unmute – stop or restart my reminders
    /id – your user id and this chat's id
    /help – this message
help-current = You are at: <b>{ $step }</b>

cmd-start = Begin or continue the certification
cmd-status = Your progress checklist
cmd-back = Undo the last answer
cmd-language = English / 中文
cmd-reset = Start over
cmd-help = How this bot works
cmd-mute = Stop reminders
cmd-unmute = Restart reminders
cmd-id = Your chat's id, for our team
# /id: id-info, then id-purpose for clients, or id-setup-hint for operators and in the support group.
id-info =
    🪪 Your user id: <code>{ $user }</code>
    This chat's id: <code>{ $chat }</code>
id-purpose = Our team may ask you for these numbers, to find your chat when they help you.
id-setup-hint = (For the bot's settings: TPBOT_OPERATORS takes user ids, TPBOT_SUPPORT_CHAT_ID the support group's id.)
