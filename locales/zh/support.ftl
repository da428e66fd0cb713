# 群组与客服群的文案。可使用 Telegram HTML；名称均已转义。

## 团队群组
group-admin-only = 🔒 只有本群管理员可以执行此操作。请联系管理员，或发送 /status 查看团队进度。
group-back-own-only = 🔒 /back 会撤销最近一次回答，而那次回答是其他成员作出的：只有本群管理员可以撤销其他成员的回答。
support-not-customer = 这里是客服群，本身没有认证进度，也不会收到群发或提醒。各公司的工单会出现在这里。
group-hello =
    👋 大家好！我会带你们团队完成天猫国际 TP 认证。群内任何成员都可以用按钮回答每一步；/reset 和 /language 仅限群管理员使用。
    发送 /start@{ $bot } 开始。
group-hello-back = 👋 我回来了。团队的进度都还在：发送 /start@{ $bot } 继续。

## 咨询客服（用户端）
btn-ask = 💬 咨询人工客服
btn-ask-done = ✅ 问完了，返回步骤
ask-not-configured = 🙁 本机器人尚未开通人工客服。发送 /help 查看我能提供的帮助。
ask-open =
    💬 <b>咨询我们的团队</b>
    请直接发送您的问题：文字、图片或文件都可以（例如后台报错的截图）。在您点击“问完了”之前，您在这里发送的所有内容都会转给我们的客服；客服的回复会出现在这个对话中。
ask-open-group = 在群里请<b>回复这条消息</b>发送问题，这样我才能看到。
ask-sent = 📨 已转给我们的团队（工单 #{ $number }）。回复会发到这里。
ask-question-sent = 📨 您的问题已转给我们的团队（工单 #{ $number }），回复会发到这里。在您点击“问完了”之前，您在这里发送的其他内容也会一并转给他们。
ask-done = 👍 已返回认证步骤。客服的回复仍会发到这里；如需再次联系客服，请发送 /ask。
ask-relay-failed = 😓 暂时无法把您的消息转给客服，内容没有丢失：请稍后再发送一次。
ticket-closed-user = ✅ 客服已将您的问题（工单 #{ $number }）标记为已解决。如需帮助，随时发送 /ask。
ticket-rate-ask = 对这次服务满意吗？请点按评分：1 分为很不满意，5 分为非常满意。
rate-button = { $rating } ⭐
rate-thanks = 🙏 感谢您的评分！
rate-done = 🙏 谢谢！您给这次服务打了 { $rating } 分（满分 5 分）。
rate-already = 您已经评过分了（{ $rating } 分，满分 5 分），以第一次评分为准。谢谢！
rate-stale = 这个评分按钮已过期：工单之后又重新打开了。问题再次解决后，您可以重新评分。
close-not-operator = 🔒 只有客服团队可以关闭工单。如果不想继续咨询，请点击“问完了”。

## 客服群（客服端）
ticket-topic-name = { $name } · #{ $number }
ticket-topic-name-blocked = ⛔ { $name } · #{ $number }
ticket-topic-held = { $topic } · 🙋 { $holder }
card-new = 🎫 <b>新工单 #{ $number }</b>
card-reopened = 🎫 <b>工单 #{ $number } 已重新打开</b>
card-user = 👤 { $name } · id <code>{ $id }</code>
card-username = 👤 { $name }（@{ $username }）· id <code>{ $id }</code>
card-group = 👥 群组：{ $title } · id <code>{ $id }</code>
card-language = 🌐 语言：{ $language }
card-step = 📍 当前步骤：{ $step }
card-step-unknown = 📍 当前步骤：<code>{ $step }</code>（当前流程中没有此步骤：流程修改后未添加迁移）
card-step-none = 📍 尚未开始认证引导
card-audit = ⏳ 审核提交于 { $submitted }，预计结果日期 <b>{ $due }</b>
card-paused = ⏸ 本工单等待回复期间，暂停向对方发送自动提醒（最多 { $days } 个工作日）。
card-paused-operator = ⏸ 客服已在控制台暂停向对方发送自动提醒。
card-waiting-rule = ⏱ 等待时间按工作时间计算（中国时间 { $hours }，仅工作日）；超过 { $limit } 个工作小时未回复，将在此提醒。
card-first-answer = ⏱ 首次回复用时 { $hours } 个工作小时。
card-wait-now = ⏱ 已等待回复 { $hours } 个工作小时。
card-wait-escalated = ⏰ 已等待回复 { $hours } 个工作小时，已提醒跟进。
desk-escalation = ⏰ 工单 #{ $number }（{ $name }）已等待回复 { $hours } 个工作小时（上限为 { $limit } 小时），请尽快回复。
card-hint-forum = 在此话题中回复即可答复用户；/status 查看其进度清单，/close 关闭工单。
card-finished = 🏁 <b>已于 { $date } 完成认证</b>：工单和话题已关闭；对方再次 /ask 时会重新打开。
card-hint-plain = 回复这条消息（或该用户的任意消息）即可答复；回复 /status 查看其进度清单，回复 /close 关闭工单。
card-taken = 🙋 负责人：{ $operator }
card-taken-over = 🙋 负责人：{ $operator }（接手自 { $previous }）
btn-take = 🙋 认领此工单
btn-take-over = 🙋 接手此工单
ticket-mention = 🔔 { $operator }，您负责的工单 #{ $number } 有新消息。
take-done = 🙋 您已认领工单 #{ $number }（{ $name }）。
take-over-done = 🙋 您已从 { $previous } 手中接手工单 #{ $number }。
take-over-notice = 🙋 { $operator } 已从 { $previous } 手中接手工单 #{ $number }。
take-already = 工单 #{ $number } 已由您负责，无需重复认领。
take-closed = 工单 #{ $number } 已关闭，无法认领。用户发送 /ask 重新打开后即可认领。
take-stale = 这张工单卡片已过期：请在最新的卡片上认领，或在工单话题中发送 /take。
take-not-operator = 🔒 只有客服团队可以认领工单。
take-where = 请在客服群的工单话题中发送 /take，或回复工单卡片发送 /take。
support-no-ticket = 这不是工单。请在工单话题中使用 /status 和 /close，或以回复工单消息的方式发送。
support-status-title = 📋 { $name } 的进度清单（工单 #{ $number }）
support-status-none = { $name }（工单 #{ $number }）尚未开始认证引导。
close-done = 🔒 工单 #{ $number } 已关闭，已通知 { $name }。
close-done-undelivered = 🔒 工单 #{ $number } 已关闭。无法通知 { $name }：对方已屏蔽机器人。
close-already = 工单 #{ $number } 已经关闭。用户可以发送 /ask 重新打开。
close-usage = 请在客服群的工单话题中发送 /close，或发送 /close 加工单编号。
close-unknown = 没有编号为 #{ $number } 的工单。
delivery-blocked = ⛔ 未送达：{ $name } 已屏蔽机器人。该工单已标记为“已屏蔽”。
delivery-failed = ⚠️ 未能送达 { $name }：Telegram 拒绝了这条消息（{ $reason }）。
delivery-closed = 🔒 工单 #{ $number } 已关闭，这条消息没有发送。用户可以发送 /ask 重新打开。
canned-list = 💬 { $name } 可用的<b>快捷回复</b>（以{ $language }发送）：<code>/reply 名称</code>
canned-none = 尚未设置快捷回复：请添加到 <code>locales/en/replies.ftl</code> 和 <code>locales/zh/replies.ftl</code>。
canned-unknown = 没有名为“{ $reply }”的快捷回复。
canned-unavailable-audit-date = 暂不适用：没有等待中的审核
canned-unavailable-step = 暂不适用：没有当前步骤
canned-needs-audit-date = ⚠️ 未发送：“{ $reply }”中包含审核预计结果日期，而 { $name } 目前没有等待中的审核，因此没有该日期。请改用您自己的话回复。
canned-needs-step = ⚠️ 未发送：“{ $reply }”中包含当前步骤，而 { $name } 不在本流程的任何步骤。请改用您自己的话回复。
canned-sent = ✅ 已向 { $name } 发送“{ $reply }”（{ $language }）：
canned-not-operator = 🔒 只有我们的客服团队可以发送快捷回复。
canned-usage = 请在客服群的工单话题中发送 /reply，或回复某个工单的消息。

cmd-ask = 咨询人工客服
