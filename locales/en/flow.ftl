# Texts of the certification flow (flows/tmall_tp.yaml). Telegram HTML is allowed.

## Stages
stage-eligibility = Eligibility check before you start
stage-register = Register as a service provider
stage-tmall-operator = Tmall Operator (New) certification
stage-international = Tmall International operation service certification

## Steps: the question or instruction
step-welcome =
    👋 <b>Welcome!</b> I will walk your company through the <b>Tmall International TP (third-party partner) operation service provider</b> certification, step by step, and remember where you are.

    <b>The roadmap, strictly in this order:</b>
    1️⃣ Register as a service provider
    2️⃣ Tmall Operator (New) certification
    3️⃣ Tmall International operation service certification

    Tmall International service providers are a subset of Tmall service providers, so the Tmall certification comes first. First, two quick eligibility questions.
step-owner-separate =
    Is the <b>store owner</b> (the brand) a <b>different company</b> from yours, the company that operates the store?
step-not-eligible =
    ⚠️ This certification is for <b>operating service providers</b>: companies that run Tmall or Tmall International stores on behalf of a brand that is a different company.

    If the store owner and the operating company are the same company, this is not the right path: a brand running its own store does not need the TP operation certification.

    If you answered by mistake, or your situation changes (for example you sign to operate a store for another brand), check again below.
step-manages-shops =
    Do you operate <b>one or more shops on Tmall or Tmall International</b> for the brand, or have you <b>signed an agreement</b> with the brand to operate them?
step-taobao-corporate =
    Is your <b>Taobao account registered as a corporate account</b>? This account becomes your service provider account.
step-alipay-corporate =
    Log in to the service provider backend with that account. Is a <b>corporate Alipay account bound</b> to it?
step-real-person =
    New service providers complete a real-person certification when the system prompts for it after logging in. Is it <b>done</b>?
step-op-apply =
    In the service provider backend (<code>i.taobao.com</code> or <code>fw.tmall.com</code>): <b>Shop Management → Services Management → Apply</b> for “Tmall Operator Service Provider (New)”, and fill in the basic information as prompted.

    Have you started the application and filled in the basic information?
step-op-nickname =
    Does the <b>shop nickname</b> you entered match the <b>contract</b> uploaded to the system exactly?
step-op-assessment =
    Did the store <b>pass the system assessment</b>? If it did not, the system marks the application “unqualified store”.
step-op-info-complete =
    Is <b>all required information</b> filled in? Remember: any later change must also be updated in the system to keep the account running.
step-op-submitted =
    Have you <b>submitted</b> the application for the Tmall Operations quotation and the second audit? It generally takes { $working_days } working days.
step-op-audit =
    ⏳ Submitted on { $submitted }. Result expected by <b>{ $due }</b> (Chinese working days: weekends and public holidays do not count, make-up working days do).
    { $remaining ->
        [0] The expected date is today or has passed.
        [one] 1 working day to go.
       *[other] { $remaining } working days to go.
    }

    What is the audit result?
step-op-deposit =
    💰 After the Tmall Operations audit passes, a Tmall operations deposit of <b>{ $deposit }</b> is due. <b>An application for Tmall International TP service provider does not require the deposit.</b>

    Which applies to you?
step-op-deposit-paid =
    You also operate for Tmall, so the <b>{ $deposit }</b> deposit is due. Has it been <b>paid</b>?
step-intl-apply =
    Now apply for the Tmall International operation service qualification. In the backend: <b>Shop Management → Service Qualification Management → Apply</b>, and fill in the basic information.

    Have you started the application and filled in the basic information?
step-intl-assessment =
    Did the store <b>pass the system assessment</b> for this application? If it did not, the system marks the application “unqualified store”.
step-intl-info =
    Is the application's <b>basic information complete</b> and based on your company (the service provider)? Company changes must be updated in the system later to keep the account running.
step-intl-submitted =
    Have you <b>submitted</b> the application for the qualification audit? It generally takes { $working_days } working days.
step-intl-audit =
    ⏳ Submitted on { $submitted }. Result expected by <b>{ $due }</b> (Chinese working days: weekends and public holidays do not count, make-up working days do).
    { $remaining ->
        [0] The expected date is today or has passed.
        [one] 1 working day to go.
       *[other] { $remaining } working days to go.
    }

    What is the audit result?
step-intl-presentation =
    🏢 The qualification audit passed. Now <b>upload your company presentation and introduction</b>: it is often the first thing partners see of your business.

    Uploaded?
step-intl-release =
    🚀 The last step: with all audits passed, go to <b>service management</b> and <b>release your new services</b>. Done?
step-finished =
    🎉 <b>Congratulations!</b> Your company has completed the Tmall International TP operation service provider certification and released its services.

    Keep your company information up to date in the system to keep the account running.

## Short step names, as done: the /status checklist and the summary
title-welcome = Roadmap read
title-owner-separate = Store owner is a different company
title-not-eligible = Not eligible (same company)
title-manages-shops = Manages Tmall / Tmall International shops
title-taobao-corporate = Taobao corporate account
title-alipay-corporate = Corporate Alipay bound
title-real-person = Real-person certification
title-op-apply = Application started
title-op-nickname = Shop nickname matches contract
title-op-assessment = Store passed system assessment
title-op-info-complete = Required information complete
title-op-submitted = Submitted for quotation and second audit
title-op-audit = Quotation and second audit
title-op-deposit = Deposit rule
title-op-deposit-paid = Tmall operations deposit paid
title-intl-apply = International application started
title-intl-assessment = Store passed system assessment
title-intl-info = Basic information complete
title-intl-submitted = Submitted for qualification audit
title-intl-audit = Qualification audit
title-intl-presentation = Company presentation uploaded
title-intl-release = New services released
title-finished = Certified

## Short step names, as a place: "you are at", reminders, the step's header
name-welcome = The roadmap
name-owner-separate = Who owns the store
name-not-eligible = Not eligible (same company)
name-manages-shops = Shops you operate for the brand
name-taobao-corporate = Taobao corporate account
name-alipay-corporate = Corporate Alipay
name-real-person = Real-person certification
name-op-apply = Applying for Tmall Operator (New)
name-op-nickname = Shop nickname and contract
name-op-assessment = Store system assessment
name-op-info-complete = Required information
name-op-submitted = Submitting for quotation and second audit
name-op-audit = Quotation and second audit
name-op-deposit = The deposit rule
name-op-deposit-paid = Tmall operations deposit
name-intl-apply = Applying for the Tmall International qualification
name-intl-assessment = Store system assessment (International)
name-intl-info = Basic information
name-intl-submitted = Submitting for the qualification audit
name-intl-audit = Qualification audit
name-intl-presentation = Company presentation
name-intl-release = Releasing your new services
name-finished = Certification complete

## Documents a step asks for (documents: in the flow): a title and a hint
doc-business-licence = Business licence
doc-business-licence-hint = A scan or photo of your company's business licence, as used for the corporate Taobao and Alipay registration.
doc-shop-contract = Shop contract
doc-shop-contract-hint = The contract uploaded to the system for the shop; the shop nickname must match it.
doc-company-presentation = Company presentation
doc-company-presentation-hint = The presentation partners see first: who you are, the brands and shops you operate, your results.
doc-company-introduction = Company introduction
doc-company-introduction-hint = A short written introduction of your company, as partners will read it beside your presentation.

## Buttons
btn-begin = Let's start ▶️
btn-yes = ✅ Yes
btn-not-yet = ⏳ Not yet
btn-not-yet-agreement = ⏳ Not yet, no agreement signed
btn-yes-different = ✅ Yes, a different company
btn-no-same = ❌ No, the same company
btn-recheck = 🔄 Check eligibility again
btn-personal-alipay = 👤 I only have a personal Alipay
btn-yes-matches = ✅ Yes, it matches
btn-no-mismatch = ❌ No / not sure
btn-assessment-passed = ✅ Passed
btn-unqualified-store = ❌ “Unqualified store”
btn-submitted = 📨 Yes, submitted
btn-audit-passed = ✅ Passed
btn-audit-rejected = ❌ Rejected
btn-audit-waiting = ⏳ Still waiting
btn-deposit-tp-only = 🌏 International TP only (no deposit)
btn-deposit-also-tmall = 🏬 I also operate for Tmall (deposit)
btn-deposit-paid = ✅ Paid
btn-uploaded = ✅ Uploaded
btn-released = 🚀 Released

## Help for each "not yet"
help-manages-shops =
    💡 The certification is for companies that operate stores for a brand. Sign the operation agreement with the brand first (you will upload the contract later, and the shop nickname must match it), then come back and answer “Yes”.
help-taobao-corporate =
    💡 <b>How to do it:</b> register a Taobao account and, when the registration prompt offers it, <b>switch to corporate account registration</b> and complete it. This corporate account becomes your service provider account, so use the company's details, not a person's.
help-alipay-corporate =
    💡 <b>How to do it:</b> log in to the service provider backend with the corporate Taobao account and follow the prompts to <b>bind a corporate Alipay account</b>. If the company has no corporate Alipay yet, register one first: prepare the company materials the Alipay registration asks for (follow its prompts) and complete it, then bind it here.
help-alipay-personal =
    ⚠️ <b>A personal Alipay account is not valid for this step.</b> The service provider account must be bound to a <b>corporate</b> Alipay account. Register a corporate Alipay for your company (prepare the materials as the registration prompts ask), then bind it in the service provider backend.
help-real-person =
    💡 <b>How to do it:</b> after logging in to the service provider backend, the system prompts new service providers to complete the <b>real-person certification</b>. Follow the prompt to the end; if you do not see it, log out and in again with the corporate account.
help-op-apply =
    💡 <b>Before you press Apply, have at hand:</b>
    • the <b>service provider account</b> from stage 1 (the Taobao corporate account, with the corporate Alipay bound and the real-person certification done): log in with it, not with a personal account;
    • the <b>operation contract signed with the brand</b>: you upload it, and the shop nickname you enter must match it exactly;
    • your company's <b>basic information</b>.
    If the menu does not offer “Tmall Operator Service Provider (New)”, check that you are logged in with the service provider account. Once the application is started and the basic information filled in, answer “Yes”.
help-op-nickname =
    💡 The shop nickname must be <b>exactly the same</b> as in the contract uploaded to the system. Correct the nickname in the application, or upload the contract that matches it.
help-op-unqualified =
    🔁 The store did not pass the system assessment (“unqualified store”), so a <b>new application</b> is needed. Let's start the application again.
help-op-info-complete =
    💡 Go through the application form and fill in <b>every required field</b>. Keep it current: whenever your company's information changes later, update it in the system to keep the account running.
help-op-submitted =
    💡 Submit the completed application in the backend. Once it is submitted, tell me and I will track the audit date for you.
help-op-audit-rejected =
    🔁 The audit was rejected. Check the reason given in the backend, correct the information, and submit again.
help-audit-waiting =
    ⏳ No problem, I will keep waiting with you. The result is expected by <b>{ $due }</b>.
help-op-deposit-paid =
    💡 Pay the { $deposit } Tmall operations deposit as the backend prompts after the audit. If you only apply as an International TP service provider, go back (/back) and choose “International TP only”: no deposit is needed.
help-intl-apply =
    💡 This is a <b>new application</b>, separate from the Tmall Operator one, and in another menu: <b>Service Qualification Management</b>, not Services Management. Log in with the same service provider account and fill in the basic information for <b>your company</b> (the service provider), not for the brand. Once it is started, answer “Yes”.
help-intl-unqualified =
    🔁 The store did not pass the system assessment (“unqualified store”): you have to <b>apply again</b>. Let's restart this application.
help-intl-info =
    💡 Fill in <b>all</b> the basic information, based on your company as the service provider. If your company's information changes later, update it in the system to keep the account running.
help-intl-submitted =
    💡 Submit the application for the qualification audit in the backend, then tell me: I will work out the expected result date.
help-intl-audit-rejected =
    🔁 The audit was rejected. Check the reason in the backend, complete or correct the basic information, and submit again.
help-intl-presentation =
    💡 Prepare a short <b>company presentation and introduction</b>: who you are, the brands and categories you operate, your team and services, results you have achieved. Upload it in the backend once the qualification audit has passed: it is often the first contact partners have with you.
help-intl-release =
    💡 Releasing makes the services you offer visible to brands, so that they can find and order them. If the backend does not let you release yet, check there that every audit shows as passed. Once the services are live, answer “Released”.

## Audit rejections: the reason Tmall gave (a button) and its concrete fix
reason-store-unqualified = 🏪 Unqualified store
reason-nickname-mismatch = 🏷️ Shop nickname does not match the contract
reason-info-incomplete = ✏️ Information incomplete
reason-info-outdated = 🔄 Company information out of date
reason-info-not-provider = 🏢 Information not about the service provider
reason-presentation-missing = 📄 Company presentation missing
fix-op-store-unqualified =
    🔧 The store did not pass the system assessment, so this application cannot go on: start a <b>new application</b> for “Tmall Operator Service Provider (New)” under Shop Management → Services Management, with a store that qualifies.
fix-op-nickname-mismatch =
    🔧 The shop nickname must be <b>exactly</b> as written in the contract you uploaded. Correct the nickname (or upload the contract that names it), then confirm it here again.
fix-op-info-incomplete =
    🔧 Some required information is missing. Fill in <b>every</b> required field of the application, then submit it again.
fix-op-info-outdated =
    🔧 Your company's details have changed since they were entered. Update them in the backend so they match your company now, then submit again.
fix-intl-store-unqualified =
    🔧 The store did not pass the system assessment (“unqualified store”): <b>apply again</b> under Shop Management → Service Qualification Management.
fix-intl-info-not-provider =
    🔧 The basic information must be about <b>your company</b>, the service provider, not about the brand or the store owner. Correct it, then submit again.
fix-intl-info-incomplete =
    🔧 The basic information is not complete. Fill in every field for your company, then submit again.
fix-intl-presentation-missing =
    🔧 Prepare your <b>company presentation and introduction</b> (who you are, the brands and categories you operate, your team and results) and make sure the basic information introduces your company, then submit again.
