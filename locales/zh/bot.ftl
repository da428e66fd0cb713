# 机器人自身的文案（命令、提示、进度）。可使用 Telegram HTML。

header-before-stages = { $stage }
header-stage = 第 { $number } 阶段（共 { $total } 阶段）· { $stage }
header-step = 第 { $number } 步（共 { $total } 步）· { $step }
answered = 📝 { $step }：{ $answer }
# 审核被驳回：天猫给出的原因（按钮），随后是修改方法和需要重新处理的步骤。
reject-ask = ❓ 天猫给出的驳回原因是什么？请选择，我会告诉您具体需要修改什么，并只重新打开相关的步骤。
reject-other = ❔ 其他 / 未说明
reject-echo = 📝 { $step }：❌ 被驳回 · { $reason }
reject-reopened = 🔁 已重新打开：{ $steps }
reopened-walk = 🔁 天猫要求修改这里：还需重做 { $count } 个步骤，然后回到“{ $step }”重新提交。
reject-documents = 📎 请重新发送：{ $documents }。/documents 可查看仍缺少的文件。
reject-documents-asked = 📎 请在此发送：{ $documents }。下方步骤列出了可接受的文件类型；/documents 可查看仍缺少的文件。
reject-reason-unknown = 该原因不属于本次审核。请使用最新消息中的按钮进行选择。

welcome-back = 👋 欢迎回来！这是您目前的进度：
need-start = 发送 /start 开始认证引导。
use-buttons = 👇 请使用下方按钮回答。
unknown-command = 🤔 无法识别该命令。发送 /help 查看我能做什么。
button-unknown = 无法识别此按钮。发送 /status 查看当前进度。
button-stale = 这个按钮属于之前的消息。您当前的步骤是：{ $step }。请使用最新的消息，或发送 /status。
button-stale-plain = 这个按钮属于之前的消息。发送 /status 查看当前进度。
answer-saved = ✅ 您上一次的回答已保存，只是当时的回复未能送达。以下是您当前所在的步骤。
error-safe = 😓 我们这边出了点问题。您的进度已保存，请放心，稍后再试。
state-unknown = 😕 您保存的进度指向了当前版本指南中不存在的步骤，因此无法显示。我们已通知团队。您可以发送 /back 回到上一步，发送 /reset 重新开始清单，或者稍候：客服将您移到现有步骤后，发送 /status 即可查看{ $support ->
        [yes] 。也可以发送 /ask 联系客服。
       *[no] 。
    }
date-provisional = （暂定：{ $year } 年官方放假安排尚未发布）

back-done = ↩️ 已返回上一步。
back-nothing = 没有可撤销的操作：您还在起点。
reset-confirm = ⚠️ 确定要从头开始吗？之前的回答将被清除。
btn-reset-confirm = 是，从头开始
btn-reset-cancel = 否，保留进度
reset-done = 🔄 进度已清除，重新开始。
reset-cancelled = 👍 已保留您的进度。

language-name = 中文
language-choose = 请选择语言：
language-set = ✅ 语言：中文

status-title = 📋 认证进度
status-count = 已完成 { $done } / { $total } 步
status-stage = 第 { $number } 阶段 · { $stage }
status-detour = ➡️ 当前：{ $step }
status-unknown = ⚠️ 当前：<code>{ $step }</code>（当前版本指南中没有此步骤）
status-audit = ⏳ 审核提交于 { $submitted }，预计结果日期 <b>{ $due }</b>。

summary-title = 🧾 您的认证历程
summary-stage = ✅ { $stage }：{ $date }
summary-audit = 📨 { $step }：提交于 { $submitted }，通过于 { $passed }
summary-loops = 🔁 过程中重新申请或重新提交的次数：{ $count }
summary-duration = 📅 从 { $start } 到 { $end }：共 { $days } 天

# $support：已设置客服群时为 "yes"（此时列出 /ask），否则为 "no"。
help =
    <b>天猫国际 TP 认证助手</b>
    我会带贵公司走完认证的三个阶段，并记住您的进度。请用按钮回答每一步。

    /start – 开始，或查看当前步骤
    /status – 全部步骤清单及预计审核日期
    /documents – 已发送和仍缺少的文件
    /back – 撤销上一个回答
    /language – 切换 English / 中文
    /reset – 从头开始{ $support ->
        [yes] {""}
            /ask – 向人工客服提问
       *[no] {""}
    }
    /mute、/unmute – 关闭或重新开启提醒
    /id – 查看您的用户 ID 和本对话的 ID
    /help – 显示本说明
help-current = 您当前在：<b>{ $step }</b>

cmd-start = 开始或继续认证
cmd-status = 进度清单
cmd-back = 撤销上一个回答
cmd-language = English / 中文
cmd-reset = 从头开始
cmd-help = 使用说明
cmd-mute = 关闭提醒
cmd-unmute = 重新开启提醒
cmd-id = 查看对话编号（供我们的团队查找）
# /id：先显示 id-info，客户再看到 id-purpose；客服团队及客服群中看到 id-setup-hint。
id-info =
    🪪 您的用户 ID：<code>{ $user }</code>
    本对话的 ID：<code>{ $chat }</code>
id-purpose = 我们的团队在协助您时，可能会请您提供这两个编号，以便找到您的对话。
id-setup-hint = （用于机器人设置：TPBOT_OPERATORS 填写用户 ID，TPBOT_SUPPORT_CHAT_ID 填写客服群的 ID。）
