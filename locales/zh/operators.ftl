# 客服团队：群发、/broadcasts、/stats；用户：提醒、/mute、/unmute。

op-refused = ⛔ 此命令仅限客服团队使用。
op-private-only = 🔒 请在与机器人的私聊中使用运营命令。

## /broadcast
bc-ask-content = 📣 新建群发。现在请发送消息：文字（保留格式），或带说明文字的图片或文件。这是主版本，下一步可以添加中文版本。
bc-ask-content-zh = 🇨🇳 请发送中文版本（语言为中文的公司收到此版本，其他公司收到主版本）。
bc-bad-content = 🤔 请发送文字，或带说明文字的图片或文件。
bc-too-long = ✂️ 内容过长：此处 Telegram 最多允许 { $limit } 个字符。请发送更短的版本。
bc-ask-zh = 是否为使用中文的公司添加中文版本？
bc-btn-add-zh = ➕ 添加中文版本
bc-btn-no-zh = ➡️ 不用，所有人相同
bc-ask-audience = 👥 发送给谁？请选择受众（“仅未完成”可与任一选项组合）。
bc-aud-all = 所有人
bc-aud-stage = 按阶段
bc-aud-step = 按步骤
bc-aud-lang = 按语言
bc-aud-idle = 闲置 N 天
bc-aud-unfinished-on = ☑️ 仅未完成
bc-aud-unfinished-off = ⬜ 仅未完成
# 受众的文字说明（机器人中的摘要、控制台）：audience-companies 加上以 audience-join 连接的条件，或 audience-all。
audience-all = 所有公司
audience-companies = { $conditions }的公司
audience-join = 、
audience-in-stage = 处于第 { $number } 阶段“{ $stage }”
audience-at-step = 处于“{ $step }”步骤
audience-using = 使用{ $language }
audience-idle-for = 连续 { $days } 天及以上没有进展
audience-not-certified = 尚未完成认证
bc-ask-idle = ⏳ 至少闲置多少天？请选择，或输入一个数字（1–365）。
bc-idle-days = { $days } 天
bc-bad-idle = 请输入 1 到 365 之间的整数天数。
bc-btn-back = ⬅️ 返回
bc-preview-en = 👀 主版本预览：
bc-preview-zh = 👀 中文版本预览：
bc-when-now = 确认后立即发送
bc-when-at = 于 { $at } 发送
bc-when-held = 免打扰时段结束后，于 { $at } 发送（点“仍然立即发送”可马上发出）
bc-summary = 📋 受众：{ $audience } · <b>{ $count }</b> 家公司（已排除屏蔽机器人和关闭提醒的公司）。{ $when }。
bc-summary-muted = 🔕 另有 { $muted } 家公司已关闭提醒（/mute），不会收到。
bc-btn-send = ✅ 确认并发送
bc-btn-send-anyway = 🌙 仍然立即发送（免打扰时段）
bc-btn-schedule = 🕒 选择发送时间
bc-btn-audience = 👥 更改受众
bc-btn-discard = 🗑 放弃
bc-ask-time = 🕒 什么时候发送？请发送时间，例如 <code>10:00</code> 或 <code>2026-10-02 10:00</code>（{ $zone } 时间）。
bc-bad-time = 🤔 无法识别为将来的时间。请使用 <code>10:00</code> 或 <code>2026-10-02 10:00</code>。
bc-time-quiet = 🌙 该时间处于免打扰时段，将改为在 { $at } 发送。
bc-discarded = 🗑 已放弃此群发。
bc-not-draft = 群发 #{ $id } 已确认或已放弃。
bc-out-of-date = 该按钮属于这次群发之前的步骤，请使用最新的消息。
bc-scheduled = 🕒 群发 #{ $id } 已定于 { $at } 发送。可用 /broadcasts 查看或取消。
bc-held = 🌙 群发 #{ $id } 将在免打扰时段结束后于 { $at } 发送。可用 /broadcasts 查看或取消。
bc-started = 🚀 群发 #{ $id } 正在开始，进度见下方。

## progress and /broadcasts
bc-status-scheduled = 已排期
bc-status-running = 发送中
bc-status-done = 已完成
bc-status-cancelled = 已取消
bc-progress-title = 📣 <b>群发 #{ $id }</b>：{ $status }
bc-progress-counts = ✅ 已发送 { $sent } · 🚫 已屏蔽 { $blocked } · ❌ 失败 { $failed } · ⏳ 剩余 { $left }（共 { $total }）
bc-progress-unknown = ❔ { $count } 条没有得到 Telegram 的答复（超时，或发送中断时正在发送）：不会自动重发，可能已经送达。用 `broadcast --resume ID --resend-unknown` 可再次发送。
bc-progress-cancelled = ✖️ { $count } 条未发送：轮到它们之前，群发已取消。
bc-progress-eta = ⏱ 预计还需约 { $minutes } 分钟
bcs-title = 📣 最近的群发
bcs-none = 还没有群发。发送 /broadcast 新建一个。
bcs-scheduled-at = 🕒 发送时间 { $at }
bcs-btn-cancel = ✖️ 取消 #{ $id }
bcs-cancelled = ✖️ 群发 #{ $id } 已取消，不会再发送。
bcs-not-cancellable = 群发 #{ $id } 已不在排期或发送中。

## reminders
reminder-audit = 📬 今天是<b>{ $step }</b>的预计结果日期。审核通过了吗？
reminder-audit-again = 📬 再确认一下：<b>{ $step }</b>有结果了吗？
reminder-audit-late = 📬 <b>{ $step }</b>的预计结果日期是 { $date }。审核通过了吗？
reminder-audit-ask = ⏳ 已超过预计日期较久，<b>{ $step }</b>仍没有结果。{ $support ->
        [yes] 客服可以协助您跟进：请发送 /ask 加上您的问题。
       *[no] 请在天猫服务商后台查看审核进度，有结果后请在下方作答。
    }
reminder-idle = 👋 温馨提醒：您当前在<b>{ $step }</b>这一步。准备好后，请在下方作答。
reminder-mute-hint = <i>发送 /mute 可关闭提醒。</i>
mute-done = 🔕 本对话的提醒已关闭。发送 /unmute 可重新开启。
mute-already = 🔕 提醒已经是关闭状态。发送 /unmute 可重新开启。
unmute-done = 🔔 提醒已重新开启。
unmute-already = 🔔 提醒已经是开启状态。

## /stats
stats-title = 📊 认证漏斗
stats-totals = 公司：{ $total } · 已完成 { $finished } · 闲置 { $idle } · 已屏蔽 { $blocked } · 已关闭提醒 { $muted }
stats-by-stage = 各阶段当前公司数（累计到达 · 已离开该阶段的公司在该阶段所用的中国工作日：中位数和第 90 百分位）
stats-stage = <b>{ $number } · { $stage }</b>：当前 { $now } · 累计到达 { $reached } · { $median }
stats-median = 中位数 { $median } · 第 90 百分位 { $p90 } 个工作日
stats-no-median = 尚无公司离开此阶段
stats-step = { "  " }• { $step }：{ $count }
stats-rejections = 审核驳回次数（按驳回原因）
stats-rejection-step = <b>{ $step }</b>：驳回 { $count } 次
stats-languages = 语言：{ $languages }
stats-language = { $language } { $count }
stats-chart-title = 到达各阶段的公司数
stats-chart-finished = 认证完成
stats-chart-steps-title = 到达各步骤的公司数
stats-chart-subtitle = { $date } · 百分比按已开始的 { $started } 家公司计算

## 客服控制台：分步骤漏斗
console-funnel-title = 认证漏斗（按步骤）
console-funnel-summary = 已开始 { $started } · 认证完成 { $finished } · 截至 { $date }
console-funnel-desc = 每个步骤的浅色条表示到达该步骤的公司占已开始公司的比例，深色条表示当前停留在该步骤的比例。
console-funnel-reached = 累计到达
console-funnel-now = 当前停留
console-funnel-counts = 累计到达 { $reached } · 当前 { $now } · 流失 { $left }
console-funnel-percent = 占已开始的 { $percent }
console-funnel-times = 中位数 { $median } · 第 90 百分位 { $p90 } 个工作日
console-funnel-no-times = 尚无公司离开此步骤
console-funnel-times-note = 用时按中国工作日计算，仅统计已离开此步骤的公司
