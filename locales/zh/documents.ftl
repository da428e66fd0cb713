## 文件柜：步骤要求的文件（对话中）

doc-ask-title = 📎 请在此发送以下文件（以文件或照片发送；一组相册算一次发送）：
doc-ask-line = • <b>{ $document }</b>（{ $types }，不超过 { $limit }{ $required ->
        [yes] {""}
       *[no] ，可选
    }）：{ $hint }
doc-ask-done = ✅ { $document }：已收到
doc-count = 已收到 { $received } 份文件，共 { $total } 份
doc-received = ✅ 已收到“{ $name }”（{ $size }），作为{ $document }。
doc-duplicate = 👌 “{ $name }”已经收到过（作为{ $document }），无需再次发送。
doc-wrong-type = ❌ “{ $name }”不是此步骤接受的文件类型，请发送 { $types }。
doc-too-large = ❌ “{ $name }”大小为 { $size }，超过{ $document }的 { $limit } 上限。
doc-over-download = ❌ “{ $name }”大小为 { $size }：Telegram 只允许机器人获取不超过 { $limit } 的文件，请发送较小（压缩后）的文件。
doc-no-documents = 📎 谢谢，但此步骤不需要文件，因此未保存“{ $name }”。收集文件的步骤：{ $where }。/documents 可查看已收到和缺少的文件。
doc-still-owed = 📎 仍待发送（{ $count } 份）：{ $missing }。准备好后请在此对话中发送；/documents 可查看已收到的文件。
doc-fetch-failed = ⚠️ 无法从 Telegram 获取“{ $name }”，请重新发送。
doc-list-title = 📎 您的文件
doc-list-received = ✅ { $document }：“{ $name }”（{ $size }，{ $date }），{ $state }
doc-list-revision = 🔁 { $document }：“{ $name }”需要修改，请发送新版本。备注：{ $note }
doc-list-missing = ⬜ { $document }：缺少{ $required ->
        [yes] {""}
       *[no] （可选）
    }
doc-list-none = 本指南不需要任何文件。
doc-state-received = 已收到，尚未审核
doc-state-approved = 已通过
doc-state-needs_revision = 需要修改
doc-revision-notice = 📝 您的{ $document }（“{ $name }”）需要修改。我们团队的意见如下：
doc-revision-send = 请在此对话中发送修改后的文件；在此之前，该文件视为缺少。
doc-reminder = 📎 仍缺少：{ $documents }。请在此对话中以文件或照片发送{ $count ->
        [one] 该文件
       *[other] 这些文件
    }。
cmd-documents = 已发送和缺少的文件
