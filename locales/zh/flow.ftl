# 认证流程文案（flows/tmall_tp.yaml）。可使用 Telegram HTML。

## 阶段
stage-eligibility = 开始前的资格确认
stage-register = 入驻服务商
stage-tmall-operator = 天猫代运营服务商（新）认证
stage-international = 天猫国际代运营服务认证

## 步骤：问题或说明
step-welcome =
    👋 <b>欢迎！</b>我会一步一步带贵公司完成<b>天猫国际 TP（第三方合作伙伴）代运营服务商</b>认证，并记住您的进度。

    <b>认证路线，须严格按此顺序：</b>
    1️⃣ 入驻服务商
    2️⃣ 天猫代运营服务商（新）认证
    3️⃣ 天猫国际代运营服务认证

    天猫国际服务商属于天猫服务商的一部分，因此需要先完成天猫服务商认证。首先，请回答两个资格问题。
step-owner-separate =
    <b>店铺主体</b>（品牌方）与贵公司（运营店铺的公司）是<b>不同的公司</b>吗？
step-not-eligible =
    ⚠️ 本认证面向<b>代运营服务商</b>：即代表另一家公司（品牌方）运营天猫或天猫国际店铺的公司。

    如果店铺主体与运营主体是同一家公司，这条认证路径并不适合您：品牌自营店铺无需 TP 代运营认证。

    如果您选错了，或情况有变（例如签约为其他品牌运营店铺），请在下方重新确认。
step-manages-shops =
    贵公司是否已在为品牌方运营<b>一家或多家天猫或天猫国际店铺</b>，或已与品牌方<b>签订代运营协议</b>？
step-taobao-corporate =
    您的<b>淘宝账号是否已注册为企业账号</b>？该账号将作为您的服务商账号。
step-alipay-corporate =
    用该账号登录服务商后台。是否已<b>绑定企业支付宝账号</b>？
step-real-person =
    新入驻的服务商登录后，系统会提示完成实人认证。是否<b>已完成</b>？
step-op-apply =
    在服务商后台（<code>i.taobao.com</code> 或 <code>fw.tmall.com</code>）：<b>店铺管理 → 服务管理 → 申请</b>“天猫代运营服务商（新）”，并按提示填写基本信息。

    是否已发起申请并填写基本信息？
step-op-nickname =
    您填写的<b>店铺昵称</b>是否与上传到系统的<b>合同</b>完全一致？
step-op-assessment =
    店铺是否<b>通过了系统考核</b>？如未通过，系统会将该申请标记为“店铺不合格”。
step-op-info-complete =
    <b>所有必填信息</b>是否都已填写？请注意：以后信息如有变更，也须在系统中更新，以保证账号正常运行。
step-op-submitted =
    是否已<b>提交</b>天猫代运营报价及二审申请？一般需要 { $working_days } 个工作日。
step-op-audit =
    ⏳ 提交日期：{ $submitted }。预计结果日期：<b>{ $due }</b>（按中国工作日计算：周末和法定节假日不计，调休上班日计入）。
    { $remaining ->
        [0] 预计日期已到或已过。
       *[other] 还剩 { $remaining } 个工作日。
    }

    审核结果如何？
step-op-deposit =
    💰 天猫代运营审核通过后，需缴纳天猫运营保证金 <b>{ $deposit }</b>。<b>申请天猫国际 TP 服务商无需缴纳该保证金。</b>

    您属于哪种情况？
step-op-deposit-paid =
    您同时为天猫做代运营，因此需缴纳 <b>{ $deposit }</b> 保证金。是否<b>已缴纳</b>？
step-intl-apply =
    接下来申请天猫国际代运营服务资质。在后台：<b>店铺管理 → 服务资质管理 → 申请</b>，并填写基本信息。

    是否已发起申请并填写基本信息？
step-intl-assessment =
    本次申请中，店铺是否<b>通过了系统考核</b>？如未通过，系统会将该申请标记为“店铺不合格”。
step-intl-info =
    申请的<b>基本信息是否完整</b>，并以贵公司（服务商）为主体填写？公司信息以后如有变更，须在系统中更新，以保证账号正常运行。
step-intl-submitted =
    是否已<b>提交</b>资质审核申请？一般需要 { $working_days } 个工作日。
step-intl-audit =
    ⏳ 提交日期：{ $submitted }。预计结果日期：<b>{ $due }</b>（按中国工作日计算：周末和法定节假日不计，调休上班日计入）。
    { $remaining ->
        [0] 预计日期已到或已过。
       *[other] 还剩 { $remaining } 个工作日。
    }

    审核结果如何？
step-intl-presentation =
    🏢 资质审核已通过。现在请<b>上传公司介绍</b>：这往往是合作伙伴对贵公司的第一印象。

    是否已上传？
step-intl-release =
    🚀 最后一步：所有审核通过后，进入<b>服务管理</b>，<b>发布新服务</b>。是否已完成？
step-finished =
    🎉 <b>恭喜！</b>贵公司已完成天猫国际 TP 代运营服务商认证并发布了服务。

    请在系统中及时更新公司信息，以保证账号正常运行。

## 步骤简称，表示“已完成”：用于 /status 清单和总结
title-welcome = 已阅读路线
title-owner-separate = 店铺主体为其他公司
title-not-eligible = 不符合条件（同一公司）
title-manages-shops = 运营天猫/天猫国际店铺
title-taobao-corporate = 淘宝企业账号
title-alipay-corporate = 已绑定企业支付宝
title-real-person = 实人认证
title-op-apply = 已发起申请
title-op-nickname = 店铺昵称与合同一致
title-op-assessment = 店铺通过系统考核
title-op-info-complete = 必填信息已完整
title-op-submitted = 已提交报价及二审
title-op-audit = 报价及二审
title-op-deposit = 保证金规则
title-op-deposit-paid = 已缴纳天猫运营保证金
title-intl-apply = 已发起国际申请
title-intl-assessment = 店铺通过系统考核
title-intl-info = 基本信息已完整
title-intl-submitted = 已提交资质审核
title-intl-audit = 资质审核
title-intl-presentation = 已上传公司介绍
title-intl-release = 已发布新服务
title-finished = 认证完成

## 步骤简称，表示“所在位置”：用于“您当前在”、提醒和步骤标题
name-welcome = 认证路线
name-owner-separate = 店铺主体
name-not-eligible = 不符合条件（同一家公司）
name-manages-shops = 为品牌方运营的店铺
name-taobao-corporate = 淘宝企业账号
name-alipay-corporate = 企业支付宝
name-real-person = 实人认证
name-op-apply = 申请天猫代运营服务商（新）
name-op-nickname = 店铺昵称与合同
name-op-assessment = 店铺系统考核
name-op-info-complete = 必填信息
name-op-submitted = 提交报价及二审
name-op-audit = 报价及二审
name-op-deposit = 保证金规则
name-op-deposit-paid = 天猫运营保证金
name-intl-apply = 申请天猫国际代运营服务资质
name-intl-assessment = 店铺系统考核（天猫国际）
name-intl-info = 基本信息
name-intl-submitted = 提交资质审核
name-intl-audit = 资质审核
name-intl-presentation = 公司介绍
name-intl-release = 发布新服务
name-finished = 认证完成

## 步骤要求的文件（流程中的 documents:）：名称和说明
doc-business-licence = 营业执照
doc-business-licence-hint = 贵公司营业执照的扫描件或照片（即企业淘宝和支付宝注册时使用的那份）。
doc-shop-contract = 店铺合同
doc-shop-contract-hint = 上传到系统的店铺合同；店铺昵称须与合同一致。
doc-company-presentation = 公司介绍演示文稿
doc-company-presentation-hint = 合作伙伴最先看到的演示文稿：贵公司是谁、代运营的品牌和店铺、取得的成绩。
doc-company-introduction = 公司简介
doc-company-introduction-hint = 简短的公司文字介绍，合作伙伴会与演示文稿一并阅读。

## 按钮
btn-begin = 开始 ▶️
btn-yes = ✅ 是
btn-not-yet = ⏳ 还没有
btn-not-yet-agreement = ⏳ 还没有，尚未签约
btn-yes-different = ✅ 是，不同公司
btn-no-same = ❌ 否，同一家公司
btn-recheck = 🔄 重新确认资格
btn-personal-alipay = 👤 我只有个人支付宝
btn-yes-matches = ✅ 是，一致
btn-no-mismatch = ❌ 否 / 不确定
btn-assessment-passed = ✅ 已通过
btn-unqualified-store = ❌ “店铺不合格”
btn-submitted = 📨 是，已提交
btn-audit-passed = ✅ 已通过
btn-audit-rejected = ❌ 被驳回
btn-audit-waiting = ⏳ 仍在等待
btn-deposit-tp-only = 🌏 仅申请国际 TP（无需保证金）
btn-deposit-also-tmall = 🏬 我也为天猫做代运营（需保证金）
btn-deposit-paid = ✅ 已缴纳
btn-uploaded = ✅ 已上传
btn-released = 🚀 已发布

## “还没有”的帮助
help-manages-shops =
    💡 本认证面向为品牌方运营店铺的公司。请先与品牌方签订代运营协议（之后需要上传合同，店铺昵称须与合同一致），然后回来选择“是”。
help-taobao-corporate =
    💡 <b>操作方法：</b>注册淘宝账号，当注册页面出现提示时，<b>切换为企业账号注册</b>并完成注册。该企业账号将作为您的服务商账号，请使用公司信息，而非个人信息。
help-alipay-corporate =
    💡 <b>操作方法：</b>用淘宝企业账号登录服务商后台，按提示<b>绑定企业支付宝账号</b>。如果公司还没有企业支付宝，请先注册：按支付宝注册页面的提示准备公司材料并完成注册，然后回到这里绑定。
help-alipay-personal =
    ⚠️ <b>个人支付宝账号在此步骤无效。</b>服务商账号必须绑定<b>企业</b>支付宝账号。请为公司注册企业支付宝（按注册提示准备材料），然后在服务商后台绑定。
help-real-person =
    💡 <b>操作方法：</b>登录服务商后台后，系统会提示新服务商完成<b>实人认证</b>。按提示完成即可；如果没有看到提示，请退出后用企业账号重新登录。
help-op-apply =
    💡 <b>点击“申请”之前，请准备好：</b>
    • 第一阶段的<b>服务商账号</b>（淘宝企业账号，已绑定企业支付宝并完成实人认证）：请用该账号登录，不要用个人账号；
    • 与品牌方签订的<b>代运营合同</b>：需上传到系统，填写的店铺昵称须与合同完全一致；
    • 贵公司的<b>基本信息</b>。
    如果菜单中没有“天猫代运营服务商（新）”，请确认登录的是服务商账号。发起申请并填好基本信息后，请选择“是”。
help-op-nickname =
    💡 店铺昵称必须与上传到系统的合同<b>完全一致</b>。请在申请中更正昵称，或上传与之一致的合同。
help-op-unqualified =
    🔁 店铺未通过系统考核（“店铺不合格”），需要<b>重新申请</b>。我们从申请这一步重新开始。
help-op-info-complete =
    💡 请逐项检查申请表，填写<b>所有必填项</b>。以后公司信息如有变更，请在系统中及时更新，以保证账号正常运行。
help-op-submitted =
    💡 在后台提交已填写完整的申请。提交后告诉我，我会为您跟踪审核日期。
help-op-audit-rejected =
    🔁 审核被驳回。请查看后台给出的原因，更正信息后重新提交。
help-audit-waiting =
    ⏳ 好的，我们继续等待。预计结果日期为 <b>{ $due }</b>。
help-op-deposit-paid =
    💡 审核通过后，请按后台提示缴纳 { $deposit } 天猫运营保证金。如果您只申请天猫国际 TP 服务商，请返回（/back）并选择“仅申请国际 TP”：无需保证金。
help-intl-apply =
    💡 这是一次<b>新的申请</b>，与天猫代运营申请分开，入口也不同：是<b>服务资质管理</b>，而不是服务管理。请用同一个服务商账号登录，以<b>贵公司</b>（服务商）而非品牌方为主体填写基本信息。发起申请后，请选择“是”。
help-intl-unqualified =
    🔁 店铺未通过系统考核（“店铺不合格”），需要<b>重新申请</b>。我们重新开始这次申请。
help-intl-info =
    💡 请以贵公司（服务商）为主体填写<b>全部</b>基本信息。以后公司信息如有变更，请在系统中更新，以保证账号正常运行。
help-intl-submitted =
    💡 在后台提交资质审核申请，然后告诉我：我会为您计算预计结果日期。
help-intl-audit-rejected =
    🔁 审核被驳回。请查看后台给出的原因，补充或更正基本信息后重新提交。
help-intl-presentation =
    💡 准备一份简短的<b>公司介绍</b>：公司概况、运营的品牌和类目、团队与服务、取得的成绩。资质审核通过后在后台上传：合作伙伴往往从这里初次了解贵公司。
help-intl-release =
    💡 发布后，品牌方才能看到并订购贵公司提供的服务。如果后台暂时无法发布，请在后台确认各项审核均已显示通过。服务上线后，请选择“已发布”。

## 审核驳回：天猫给出的原因（按钮）及具体的修改方法
reason-store-unqualified = 🏪 店铺不合格
reason-nickname-mismatch = 🏷️ 店铺昵称与合同不一致
reason-info-incomplete = ✏️ 信息填写不完整
reason-info-outdated = 🔄 公司信息未及时更新
reason-info-not-provider = 🏢 信息主体不是服务商
reason-presentation-missing = 📄 缺少公司介绍
fix-op-store-unqualified =
    🔧 店铺未通过系统考核，本次申请无法继续。请在“店铺管理 → 服务管理”中，用符合条件的店铺<b>重新申请</b>“天猫代运营服务商（新）”。
fix-op-nickname-mismatch =
    🔧 店铺昵称必须与已上传合同中的写法<b>完全一致</b>。请更正昵称（或上传写有该昵称的合同），然后在这里重新确认。
fix-op-info-incomplete =
    🔧 部分必填信息尚未填写。请补全申请中的<b>全部</b>必填项，然后重新提交。
fix-op-info-outdated =
    🔧 贵公司的信息在填写后发生了变更。请在后台更新为公司当前的信息，然后重新提交。
fix-intl-store-unqualified =
    🔧 店铺未通过系统考核（“店铺不合格”）：请在“店铺管理 → 服务资质管理”中<b>重新申请</b>。
fix-intl-info-not-provider =
    🔧 基本信息必须以<b>贵公司</b>（服务商）为主体填写，而不是品牌方或店铺所有者。请更正后重新提交。
fix-intl-info-incomplete =
    🔧 基本信息填写不完整。请补全贵公司的各项信息，然后重新提交。
fix-intl-presentation-missing =
    🔧 请准备<b>公司介绍</b>（公司概况、运营的品牌和类目、团队与业绩），并确保基本信息完整介绍了贵公司，然后重新提交。
