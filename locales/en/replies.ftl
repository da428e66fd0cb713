# Canned replies: the support desk sends one with /reply NAME in a ticket's topic, or from the
# console's company page, in the company's language. Each is named reply-NAME (NAME is what
# /reply takes) and must exist in locales/zh/replies.ftl too. Telegram HTML is allowed.
# Placeables: $company (the company's name), $step (its current step), $audit_date (the
# expected result of its audit: a reply using it is refused for a company not at an audit),
# $deposit (the Tmall operations deposit) and $working_days (an audit's usual working days),
# both from the flow's facts.

reply-audit-waiting =
    Hello { $company }, thank you for your patience. Your application is with Tmall for the <b>{ $step }</b>, which usually takes { $working_days } working days: the result is expected by <b>{ $audit_date }</b> (Chinese working days: weekends and public holidays do not count).

    There is nothing you need to do until then. If the result has not come by that date, tell us here and we will follow it up.

reply-unqualified-store =
    Hello { $company }, “unqualified store” means the store has not passed Tmall's system assessment, and the application cannot go on: a <b>new application</b> is needed.
    • Tmall Operator (New): <b>Shop Management → Services Management → Apply</b> for “Tmall Operator Service Provider (New)”, and fill in the basic information again.
    • Tmall International: <b>Shop Management → Service Qualification Management → Apply</b>.

    Before you apply again, check that the shop nickname matches the contract uploaded to the system exactly. Once the new application is in, answer the bot's question in this chat to go on with the next steps.

reply-deposit =
    Hello { $company }, about the deposit: once the quotation and second audit of the Tmall Operator (New) certification have passed, operating Tmall shops requires a deposit of <b>{ $deposit }</b>.

    <b>An application as a Tmall International TP service provider does not require this deposit.</b> If you only apply for the International TP certification, you pay nothing and go straight on to the International application.

reply-presentation-missing =
    Hello { $company }, one thing is still missing: your <b>company presentation and introduction</b>. Once the qualification audit has passed, it must be uploaded in the backend, and it is often the first thing partners see of your business.

    A short document is enough: who you are, the brands and categories you operate, your team and services, and results you have achieved. You can also send it here and we will take a look first.

reply-nickname-mismatch =
    Hello { $company }, the <b>shop nickname</b> in your application must match the <b>contract</b> uploaded to the system exactly: the same characters, spaces and punctuation. Please correct the nickname (or upload the contract that matches it), then submit again.

reply-corporate-alipay =
    Hello { $company }, the service provider account needs a <b>corporate Alipay account</b>: a personal Alipay account is not valid for this step. Register a corporate Alipay account (prepare the company materials the registration asks for), then bind it in the service provider backend.
