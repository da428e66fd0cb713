## The evidence locker: documents a step asks for, in the chat

doc-ask-title = 📎 Please send these files here (as a document or a photo; an album counts as one sending):
doc-ask-line = • <b>{ $document }</b> ({ $types }, up to { $limit }){ $required ->
        [yes] {""}
       *[no] , optional
    }: { $hint }
doc-ask-done = ✅ { $document }: received
doc-count = { $received } of { $total } { $total ->
        [one] document
       *[other] documents
    } received
doc-received = ✅ Received “{ $name }” ({ $size }) as { $document }.
doc-duplicate = 👌 “{ $name }” is already here (as { $document }): no need to send it again.
doc-wrong-type = ❌ “{ $name }” is not a kind of file this step takes: please send { $types }.
doc-too-large = ❌ “{ $name }” is { $size }, over the { $limit } limit for { $document }.
doc-over-download = ❌ “{ $name }” is { $size }: Telegram lets bots fetch files of up to { $limit } only. Please send a smaller (compressed) file.
doc-no-documents = 📎 Thank you, but this step asks for no files, so “{ $name }” was not kept. Files are collected at: { $where }. /documents shows what is received and what is missing.
doc-still-owed = 📎 Still to send: { $missing }. Send { $count ->
        [one] it
       *[other] them
    } in this chat whenever ready; /documents lists what is here.
doc-fetch-failed = ⚠️ I could not fetch “{ $name }” from Telegram. Please send it again.
doc-list-title = 📎 Your documents
doc-list-received = ✅ { $document }: “{ $name }” ({ $size }, { $date }), { $state }
doc-list-revision = 🔁 { $document }: “{ $name }” needs a revision; please send a new version. Note: { $note }
doc-list-missing = ⬜ { $document }: missing{ $required ->
        [yes] {""}
       *[no] {" "}(optional)
    }
doc-list-none = This guide asks for no documents.
doc-state-received = received, not reviewed yet
doc-state-approved = approved
doc-state-needs_revision = needs a revision
doc-revision-notice = 📝 { $document } (your file “{ $name }”) needs a revision. Our team's note:
doc-revision-send = Please send the corrected file in this chat; until then it counts as missing.
doc-reminder = 📎 Still missing: { $documents }. Send { $count ->
        [one] it
       *[other] them
    } in this chat as a document or a photo.
cmd-documents = Documents sent and missing
