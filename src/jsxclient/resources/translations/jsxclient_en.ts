<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AccountsDialog</name>
    <message>
        <source>本机账号</source>
        <translation>Accounts on this computer</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>同事账号</source>
        <translation>Colleague&apos;s account</translation>
    </message>
    <message>
        <source>同事本人输入密码</source>
        <translation>Password (typed by the colleague)</translation>
    </message>
    <message>
        <source>角色（未连接服务器的数据）</source>
        <translation>Role (data not connected to a server)</translation>
    </message>
    <message>
        <source>添加到本机</source>
        <translation>Add to this computer</translation>
    </message>
    <message>
        <source>解除锁定</source>
        <translation>Clear lockout</translation>
    </message>
    <message>
        <source>从本机移除</source>
        <translation>Remove from this computer</translation>
    </message>
    <message>
        <source>生成新恢复码…</source>
        <translation>New recovery code…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>可在本机登录</source>
        <translation>Can sign in here</translation>
    </message>
    <message>
        <source>未在本机登记</source>
        <translation>Not registered here</translation>
    </message>
    <message>
        <source>请填写同事的账号，并请同事本人输入密码</source>
        <translation>Enter the colleague&apos;s account and have them type their password</translation>
    </message>
</context>
<context>
    <name>ActivityDetail</name>
    <message>
        <source>参与人名单（可选）</source>
        <translation>Attendee list (optional)</translation>
    </message>
</context>
<context>
    <name>AppShell</name>
    <message>
        <source>开始正式使用</source>
        <translation>Start for real</translation>
    </message>
    <message>
        <source>无法打开数据</source>
        <translation>Cannot open the data</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>操作日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>全部操作</source>
        <translation>All actions</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>设备</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Object</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>日志只能追加，保存至少六个月；身份证号和手机号已隐去中间位。</source>
        <translation>The log is append-only and kept at least six months; ID numbers and mobiles are masked.</translation>
    </message>
    <message>
        <source>{n} 条</source>
        <translation>{n} entries</translation>
    </message>
</context>
<context>
    <name>ChildTable</name>
    <message>
        <source>＋ 新增</source>
        <translation>+ Add</translation>
    </message>
    <message>
        <source>{title}（{n}）</source>
        <translation>{title} ({n})</translation>
    </message>
</context>
<context>
    <name>ChildTabs</name>
    <message>
        <source>＋ 新增</source>
        <translation>+ Add</translation>
    </message>
</context>
<context>
    <name>Column</name>
    <message>
        <source>阵地名称</source>
        <translation>Site name</translation>
    </message>
    <message>
        <source>项目名称</source>
        <translation>Project name</translation>
    </message>
    <message>
        <source>小组名称</source>
        <translation>Group name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>手机号码</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village (community)</translation>
    </message>
    <message>
        <source>会员小组</source>
        <translation>Member group</translation>
    </message>
    <message>
        <source>会员类型</source>
        <translation>Member type</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>会员证号</source>
        <translation>Card no.</translation>
    </message>
    <message>
        <source>入会日期</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>队伍层级</source>
        <translation>Team level</translation>
    </message>
    <message>
        <source>注册编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>服务特长</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>注册日期</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>在岗</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>结对家庭</source>
        <translation>Paired families</translation>
    </message>
    <message>
        <source>户主</source>
        <translation>Head of family</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>伤残等级</source>
        <translation>Disability grade</translation>
    </message>
    <message>
        <source>纳入日期</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <source>家庭医生签约</source>
        <translation>Family doctor</translation>
    </message>
    <message>
        <source>最近走访</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>活动名称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>主题活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>参与人数</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>走访家庭</source>
        <translation>Families visited</translation>
    </message>
    <message>
        <source>募集资金（元）</source>
        <translation>Funds raised (yuan)</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>建成日期</source>
        <translation>Opened</translation>
    </message>
    <message>
        <source>“六有”达标项</source>
        <translation>&quot;Six haves&quot; met</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>资金来源</source>
        <translation>Fund source</translation>
    </message>
    <message>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>阵地数</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>日补贴标准（元）</source>
        <translation>Daily rate (yuan)</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>任期开始</source>
        <translation>Term start</translation>
    </message>
    <message>
        <source>任期结束</source>
        <translation>Term end</translation>
    </message>
    <message>
        <source>组长</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>会员数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <source>起始日期</source>
        <translation>Since</translation>
    </message>
    <message>
        <source>走访日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>走访人</source>
        <translation>Visitor</translation>
    </message>
    <message>
        <source>身体状况</source>
        <translation>Physical state</translation>
    </message>
    <message>
        <source>心理状况</source>
        <translation>Mental state</translation>
    </message>
    <message>
        <source>需求</source>
        <translation>Needs</translation>
    </message>
    <message>
        <source>慰问金额（元）</source>
        <translation>Aid (yuan)</translation>
    </message>
    <message>
        <source>重大事项</source>
        <translation>Major event</translation>
    </message>
    <message>
        <source>下次跟进</source>
        <translation>Follow up</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>医院</source>
        <translation>Hospital</translation>
    </message>
    <message>
        <source>入院日期</source>
        <translation>Admitted</translation>
    </message>
    <message>
        <source>天数</source>
        <translation>Days</translation>
    </message>
    <message>
        <source>发放日期</source>
        <translation>Paid on</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>处理冲突</source>
        <translation>Resolve conflict</translation>
    </message>
    <message>
        <source>这条记录在本机和其他设备上被同时修改了。请逐项选择要保留的值；选择与现值不同时，会作为一次新的修改在下次同步时上传。</source>
        <translation>This record was changed here and on another device at the same time. Choose the value to keep for each item; a choice that differs from the current value is uploaded as a new change at the next sync.</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>修改前</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>本机的值</source>
        <translation>This computer</translation>
    </message>
    <message>
        <source>服务器的值</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <source>本机</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>粗体为当前保存的值（较新的修改）。</source>
        <translation>Bold is the value saved now (the newer edit).</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>未能保存选择</source>
        <translation>The choice could not be saved</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>连接服务器</source>
        <translation>Connect to server</translation>
    </message>
    <message>
        <source>连接</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ConnectForm</name>
    <message>
        <source>使用系统证书（省级服务器使用自签证书时才需选择）</source>
        <translation>System certificates (choose a file only for the province&apos;s own CA)</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>CA 证书</source>
        <translation>CA certificate</translation>
    </message>
    <message>
        <source>账号由县（市、区）计生协分配，登录后自动确定所属乡镇。</source>
        <translation>Accounts are issued by the county association; the township is set from the account when you log in.</translation>
    </message>
    <message>
        <source>请填写服务器地址，如 https://jsx.example.gov.cn</source>
        <translation>Enter the server address, e.g. https://jsx.example.gov.cn</translation>
    </message>
    <message>
        <source>请填写账号和密码</source>
        <translation>Enter the account and password</translation>
    </message>
    <message>
        <source>正在连接…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>选择 CA 证书</source>
        <translation>Choose a CA certificate</translation>
    </message>
    <message>
        <source>证书 (*.pem *.crt *.cer);;所有文件 (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>连接服务器</source>
        <translation>Connect to server</translation>
    </message>
    <message>
        <source>连接失败</source>
        <translation>Could not connect</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>程序出错</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <source>程序遇到了意外错误。已保存的数据不受影响，请把下面的内容和日志文件发给技术支持。</source>
        <translation>The program hit an unexpected error. Saved data is not affected; please send the text below and the log file to support.</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>工作台</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>演示数据：这里的人员和记录都是虚构的，不能连接服务器或同步。要正式使用，请到“设置 → 开始正式使用”。</source>
        <translation>Demo data: these people and records are made up, and cannot be connected to a server or synced. To start real work, go to Settings → Start for real.</translation>
    </message>
    <message>
        <source>逾期未走访的家庭</source>
        <translation>Families overdue for a visit</translation>
    </message>
    <message>
        <source>两周内应走访</source>
        <translation>Visits due within two weeks</translation>
    </message>
    <message>
        <source>待同步的修改</source>
        <translation>Changes waiting to sync</translation>
    </message>
    <message>
        <source>上次同步</source>
        <translation>Last sync</translation>
    </message>
    <message>
        <source>在籍会员</source>
        <translation>Active members</translation>
    </message>
    <message>
        <source>在册特殊家庭</source>
        <translation>Enrolled special families</translation>
    </message>
    <message>
        <source>今年走访记录</source>
        <translation>Visits this year</translation>
    </message>
    <message>
        <source>今年活动</source>
        <translation>Activities this year</translation>
    </message>
    <message>
        <source>到期与逾期的走访</source>
        <translation>Visits due and overdue</translation>
    </message>
    <message>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>最近入户</source>
        <translation>Last home visit</translation>
    </message>
    <message>
        <source>此后电话等</source>
        <translation>Calls since</translation>
    </message>
    <message>
        <source>应走访日期</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>待跟进事项</source>
        <translation>Follow-ups</translation>
    </message>
    <message>
        <source>跟进日期</source>
        <translation>Follow up by</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Needs</translation>
    </message>
    <message>
        <source>双击一行打开该家庭。按 F5 刷新。</source>
        <translation>Double-click a row to open the family. F5 refreshes.</translation>
    </message>
    <message>
        <source>按每季度至少入户一次计</source>
        <translation>At least one home visit per quarter</translation>
    </message>
    <message>
        <source>冲突 {c} · 被拒绝 {r}</source>
        <translation>Conflicts {c} · refused {r}</translation>
    </message>
    <message>
        <source>从未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>今年新入会 {n}</source>
        <translation>{n} joined this year</translation>
    </message>
    <message>
        <source>季度走访</source>
        <translation>Quarterly</translation>
    </message>
    <message>
        <source>约定跟进</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>【重大事项】</source>
        <translation>[Major event] </translation>
    </message>
    <message>
        <source>走访日期：{d}</source>
        <translation>Visited on {d}</translation>
    </message>
    <message>
        <source>到期与逾期的走访（{n}）</source>
        <translation>Visits due and overdue ({n})</translation>
    </message>
    <message>
        <source>待跟进事项（{n}）</source>
        <translation>Follow-ups ({n})</translation>
    </message>
</context>
<context>
    <name>DateEditor</name>
    <message>
        <source>年-月-日</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>选择日期</source>
        <translation>Choose a date</translation>
    </message>
</context>
<context>
    <name>DrillDialog</name>
    <message>
        <source>共 {n} 条</source>
        <translation>{n} rows</translation>
    </message>
</context>
<context>
    <name>DuplicatesPanel</name>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>所在村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>不一致的项目</source>
        <translation>Fields that differ</translation>
    </message>
    <message>
        <source>同一个人的两条记录：比较后合并，或标为不是同一人。</source>
        <translation>Two records of one person: compare them and merge, or mark them as two people.</translation>
    </message>
    <message>
        <source>比较并合并…</source>
        <translation>Compare and merge…</translation>
    </message>
    <message>
        <source>合并审核</source>
        <translation>Merge review</translation>
    </message>
    <message>
        <source>可能重复</source>
        <translation>Possible duplicate</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>无法打开数据库：密钥错误、文件损坏或不是本程序的数据库。</source>
        <extracomment>Where the log file is, shown in the crash dialog (set by the app).</extracomment>
        <translation>The database cannot be opened: wrong key, damaged file, or not this program&apos;s database.</translation>
    </message>
    <message>
        <source>磁盘已满，无法保存。请清理磁盘后重试，已输入的内容仍在窗口中。</source>
        <translation>The disk is full, so nothing was saved. Free some space and try again; what you typed is still in the window.</translation>
    </message>
    <message>
        <source>没有权限写入该位置，请换一个文件夹。</source>
        <translation>No permission to write there; choose another folder.</translation>
    </message>
    <message>
        <source>文件已存在，请换一个文件名。</source>
        <translation>The file already exists; choose another name.</translation>
    </message>
    <message>
        <source>找不到文件。</source>
        <translation>File not found.</translation>
    </message>
    <message>
        <source>数据库暂时被占用或磁盘出错，请稍后重试。</source>
        <translation>The database is busy or the disk failed; try again shortly.</translation>
    </message>
    <message>
        <source>操作未完成</source>
        <translation>Not completed</translation>
    </message>
</context>
<context>
    <name>EscrowKeyDialog</name>
    <message>
        <source>本乡镇密钥托管</source>
        <translation>Township key escrow</translation>
    </message>
    <message>
        <source>密钥托管是什么：每台电脑上的数据都用它自己的数据密钥加密。如果某台电脑的密码和恢复码都丢了，数据就再也打不开。设置托管后，各电脑同步时把自己的数据密钥用本乡镇的托管公钥封存，交给服务器保管，服务器自己打不开。需要时，乡镇管理员联网并输入托管口令，才能取回密钥，为同事设置新密码。</source>
        <translation>What key escrow is: the data on each computer is encrypted with that computer&apos;s own data key. If both the password and the recovery code of a computer are lost, its data can never be opened again. Once escrow is set up, each computer seals its data key to the township&apos;s escrow public key when it syncs and gives it to the server to keep; the server itself cannot open it. When needed, a township administrator goes online and enters the escrow passphrase to recover the key and set a new password for a colleague.</translation>
    </message>
    <message>
        <source>这一步做什么：在本机生成本乡镇的托管密钥，私钥用您输入的托管口令加密后登记到服务器（口令不离开本机）。再次设置会生成新的密钥，各电脑下次同步时重新托管；用旧密钥托管的，仍可用旧口令取回。</source>
        <translation>What this step does: it makes the township&apos;s escrow key on this computer, encrypts its private half with the passphrase you enter and registers it on the server (the passphrase never leaves this computer). Doing it again makes a new key; each computer escrows again at its next sync, and what was escrowed to the old key can still be recovered with the old passphrase.</translation>
    </message>
    <message>
        <source>请把托管口令写在纸上密封保存：口令丢失，托管的密钥就无法取回，服务器也无法帮您找回。</source>
        <translation>Write the escrow passphrase on paper and keep it sealed: if it is lost, the escrowed keys cannot be recovered, and the server cannot help you find it.</translation>
    </message>
    <message>
        <source>正在查询本乡镇的托管密钥…</source>
        <translation>Asking the server for the township&apos;s escrow key…</translation>
    </message>
    <message>
        <source>托管口令</source>
        <translation>Escrow passphrase</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类；不要与任何人的登录密码相同。</source>
        <translation>At least 8 characters, with at least three of: capital letters, small letters, digits, symbols. Do not use anyone&apos;s sign-in password.</translation>
    </message>
    <message>
        <source>生成并登记托管密钥</source>
        <translation>Make and register the escrow key</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>本机尚未连接服务器：托管密钥须联网登记，请先连接服务器。</source>
        <translation>This computer is not connected to the server: the escrow key is registered online, so connect to the server first.</translation>
    </message>
    <message>
        <source>本乡镇还没有托管密钥。</source>
        <translation>The township has no escrow key yet.</translation>
    </message>
    <message>
        <source>本乡镇当前的托管密钥：第 {n} 号。再次设置会生成新的密钥并替换它。</source>
        <translation>The township&apos;s current escrow key: number {n}. Setting it again makes a new key that replaces it.</translation>
    </message>
    <message>
        <source>两次输入的托管口令不一致</source>
        <translation>The two passphrases differ</translation>
    </message>
    <message>
        <source>正在生成托管密钥</source>
        <translation>Making the escrow key</translation>
    </message>
    <message>
        <source>已设置本乡镇的托管密钥（第 {n} 号）。请把托管口令密封保存；各电脑下次同步时托管各自的数据密钥。</source>
        <translation>The township&apos;s escrow key (number {n}) is set. Keep the passphrase sealed; each computer escrows its data key at its next sync.</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>包含完整的身份证号和手机号（默认隐藏中间位数）</source>
        <translation>Include full ID numbers and mobiles (masked by default)</translation>
    </message>
    <message>
        <source>理由（必填，将记入操作日志），如：报县计生协核对</source>
        <translation>Reason (required, recorded in the audit log), e.g. for the county association to check</translation>
    </message>
    <message>
        <source>身份证号、手机号属于个人敏感信息，请妥善保管导出的文件。</source>
        <translation>ID numbers and mobiles are sensitive personal information: keep the exported file safe.</translation>
    </message>
    <message>
        <source>导入…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <source>导出/打印</source>
        <translation>Export/Print</translation>
    </message>
    <message>
        <source>导出当前列表（Excel）…</source>
        <translation>Export this list (Excel)…</translation>
    </message>
    <message>
        <source>导出当前列表（CSV）…</source>
        <translation>Export this list (CSV)…</translation>
    </message>
    <message>
        <source>导出{name}（Excel）…</source>
        <translation>Export the {name} (Excel)…</translation>
    </message>
    <message>
        <source>打印{name}…</source>
        <translation>Print the {name}…</translation>
    </message>
    <message>
        <source>{name}另存为 PDF…</source>
        <translation>Save the {name} as PDF…</translation>
    </message>
    <message>
        <source>导出到</source>
        <translation>Export to</translation>
    </message>
    <message>
        <source>已导出 {n} 行到 {path}</source>
        <translation>{n} rows exported to {path}</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>正在准备…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>已保存 {path}</source>
        <translation>Saved {path}</translation>
    </message>
</context>
<context>
    <name>FamilyDetail</name>
    <message>
        <source>请在上面选择一户特殊家庭</source>
        <translation>Select a special family above</translation>
    </message>
    <message>
        <source>登记走访</source>
        <translation>Record a visit</translation>
    </message>
    <message>
        <source>编辑家庭</source>
        <translation>Edit family</translation>
    </message>
    <message>
        <source>迁往其他乡镇…</source>
        <translation>Transfer out…</translation>
    </message>
    <message>
        <source>户籍迁出本乡镇：申请后由接收乡镇确认（须联网）</source>
        <translation>The family moves out of this township: offered here, accepted by the receiving township (online)</translation>
    </message>
    <message>
        <source>家庭成员</source>
        <translation>Family members</translation>
    </message>
    <message>
        <source>双岗联系人</source>
        <translation>Two-post contacts</translation>
    </message>
    <message>
        <source>走访与联系记录</source>
        <translation>Visits and contacts</translation>
    </message>
    <message>
        <source>关怀补贴</source>
        <translation>Care subsidies</translation>
    </message>
    <message>
        <source>独生子女证</source>
        <translation>Only-child certificate</translation>
    </message>
    <message>
        <source>死亡/伤残证明</source>
        <translation>Death/disability proof</translation>
    </message>
    <message>
        <source>户口簿</source>
        <translation>Household register</translation>
    </message>
    <message>
        <source>家庭医生</source>
        <translation>Family doctor</translation>
    </message>
    <message>
        <source>就医绿色通道</source>
        <translation>Hospital fast track</translation>
    </message>
    <message>
        <source>最近走访：{last}&#x3000;今年走访 {n} 次&#x3000;</source>
        <translation>Last visit: {last} · {n} visits this year · </translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>下次应走访：{due}</source>
        <translation>Next visit due: {due}</translation>
    </message>
    <message>
        <source>已申请迁出（编号 {id}），等待接收乡镇确认。</source>
        <translation>Transfer {id} offered; the receiving township accepts it.</translation>
    </message>
</context>
<context>
    <name>Field</name>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>民族</source>
        <translation>Ethnicity</translation>
    </message>
    <message>
        <source>文化程度</source>
        <translation>Education</translation>
    </message>
    <message>
        <source>政治面貌</source>
        <translation>Political status</translation>
    </message>
    <message>
        <source>婚姻状况</source>
        <translation>Marital status</translation>
    </message>
    <message>
        <source>手机号码</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>所属村（社区）</source>
        <translation>Village (community)</translation>
    </message>
    <message>
        <source>家庭住址</source>
        <translation>Home address</translation>
    </message>
    <message>
        <source>会员小组</source>
        <translation>Member group</translation>
    </message>
    <message>
        <source>会员类型</source>
        <translation>Member type</translation>
    </message>
    <message>
        <source>会员角色</source>
        <translation>Member role</translation>
    </message>
    <message>
        <source>会员证号</source>
        <translation>Card no.</translation>
    </message>
    <message>
        <source>入会日期</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>退会日期</source>
        <translation>Left on</translation>
    </message>
    <message>
        <source>队伍层级</source>
        <translation>Team level</translation>
    </message>
    <message>
        <source>注册编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>注册日期</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>在岗</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>服务特长</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>家庭类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>子女伤残等级</source>
        <translation>Child&apos;s disability grade</translation>
    </message>
    <message>
        <source>子女死亡/伤残日期</source>
        <translation>Date of child&apos;s death/disability</translation>
    </message>
    <message>
        <source>纳入日期</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <source>退出原因</source>
        <translation>Exit reason</translation>
    </message>
    <message>
        <source>退出日期</source>
        <translation>Exit date</translation>
    </message>
    <message>
        <source>独生子女证</source>
        <translation>Only-child certificate</translation>
    </message>
    <message>
        <source>死亡/伤残证明</source>
        <translation>Death/disability certificate</translation>
    </message>
    <message>
        <source>户口簿</source>
        <translation>Household register</translation>
    </message>
    <message>
        <source>家庭医生签约</source>
        <translation>Family doctor</translation>
    </message>
    <message>
        <source>就医绿色通道</source>
        <translation>Priority hospital access</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>与户主关系</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <source>联系人类别</source>
        <translation>Contact kind</translation>
    </message>
    <message>
        <source>联系起始日期</source>
        <translation>Contact since</translation>
    </message>
    <message>
        <source>走访日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>走访人</source>
        <translation>Visitor</translation>
    </message>
    <message>
        <source>身体状况</source>
        <translation>Physical state</translation>
    </message>
    <message>
        <source>心理状况</source>
        <translation>Mental state</translation>
    </message>
    <message>
        <source>慰问金额（元）</source>
        <translation>Aid (yuan)</translation>
    </message>
    <message>
        <source>主要需求</source>
        <translation>Main needs</translation>
    </message>
    <message>
        <source>帮扶措施</source>
        <translation>Help given</translation>
    </message>
    <message>
        <source>重大事项（意外、重病、死亡，须立即上报）</source>
        <translation>Major event (accident, serious illness, death: report at once)</translation>
    </message>
    <message>
        <source>下次跟进日期</source>
        <translation>Follow-up due</translation>
    </message>
    <message>
        <source>补贴类别</source>
        <translation>Subsidy kind</translation>
    </message>
    <message>
        <source>享受人员</source>
        <translation>Beneficiary</translation>
    </message>
    <message>
        <source>医院</source>
        <translation>Hospital</translation>
    </message>
    <message>
        <source>入院日期</source>
        <translation>Admitted</translation>
    </message>
    <message>
        <source>出院日期</source>
        <translation>Discharged</translation>
    </message>
    <message>
        <source>住院天数</source>
        <translation>Days in hospital</translation>
    </message>
    <message>
        <source>日补贴标准（元）</source>
        <translation>Daily rate (yuan)</translation>
    </message>
    <message>
        <source>补贴金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>审核人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>发放日期</source>
        <translation>Paid on</translation>
    </message>
    <message>
        <source>申请材料</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>活动名称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>活动类型</source>
        <translation>Activity type</translation>
    </message>
    <message>
        <source>主题活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>活动日期</source>
        <translation>Date held</translation>
    </message>
    <message>
        <source>举办协会（村/社区）</source>
        <translation>Held by (village/community)</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>合作单位</source>
        <translation>Partner units</translation>
    </message>
    <message>
        <source>参与人数</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>发放资料（份）</source>
        <translation>Materials handed out</translation>
    </message>
    <message>
        <source>走访家庭数</source>
        <translation>Families visited</translation>
    </message>
    <message>
        <source>募集资金（元）</source>
        <translation>Funds raised (yuan)</translation>
    </message>
    <message>
        <source>参与人</source>
        <translation>Attendee</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>阵地类别</source>
        <translation>Site kind</translation>
    </message>
    <message>
        <source>所在村（社区）</source>
        <translation>Village (community)</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>建成日期</source>
        <translation>Opened</translation>
    </message>
    <message>
        <source>有场所</source>
        <translation>Has a place</translation>
    </message>
    <message>
        <source>有标识</source>
        <translation>Has a sign</translation>
    </message>
    <message>
        <source>有制度</source>
        <translation>Has rules</translation>
    </message>
    <message>
        <source>有计划</source>
        <translation>Has a plan</translation>
    </message>
    <message>
        <source>有活动</source>
        <translation>Has activities</translation>
    </message>
    <message>
        <source>有管理</source>
        <translation>Is managed</translation>
    </message>
    <message>
        <source>项目名称</source>
        <translation>Project name</translation>
    </message>
    <message>
        <source>项目级别</source>
        <translation>Project level</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>资金来源</source>
        <translation>Fund source</translation>
    </message>
    <message>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>年度自评</source>
        <translation>Yearly self-evaluation</translation>
    </message>
    <message>
        <source>阵地</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>协会名称</source>
        <translation>Association name</translation>
    </message>
    <message>
        <source>层级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>所在地</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>行业</source>
        <translation>Sector</translation>
    </message>
    <message>
        <source>成立日期</source>
        <translation>Founded</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>从人员中选择（可不选）</source>
        <translation>Pick from persons (optional)</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>任期开始</source>
        <translation>Term start</translation>
    </message>
    <message>
        <source>任期结束</source>
        <translation>Term end</translation>
    </message>
    <message>
        <source>小组名称</source>
        <translation>Group name</translation>
    </message>
    <message>
        <source>组长</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>结对家庭</source>
        <translation>Paired families</translation>
    </message>
    <message>
        <source>结对日期</source>
        <translation>Paired since</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>欢迎使用计生协数据采集</source>
        <translation>Welcome to FPA data entry</translation>
    </message>
    <message>
        <source>本程序用于乡镇（街道）计生协登记会员、特殊家庭及其走访和补贴、活动、志愿者、阵地与项目。数据保存在本机，没有网络也能使用，每天下班前与省级服务器同步。</source>
        <translation>This program records a township association&apos;s members, special families with their visits and subsidies, activities, volunteers, sites and projects. Data is kept on this computer and works without a network; sync with the provincial server at the end of each day.</translation>
    </message>
    <message>
        <source>连接省级服务器
用县计生协分配的账号登录</source>
        <translation>Connect to the provincial server
Log in with the account from your county association</translation>
    </message>
    <message>
        <source>先试用
选择一个乡镇，生成演示数据</source>
        <translation>Try it first
Choose a township and generate demo data</translation>
    </message>
    <message>
        <source>连接省级服务器</source>
        <translation>Connect to the provincial server</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>连接</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>试用：选择乡镇（街道）</source>
        <translation>Try it: choose a township (street)</translation>
    </message>
    <message>
        <source>演示数据规模</source>
        <translation>Demo data size</translation>
    </message>
    <message>
        <source>小（约1000名会员）</source>
        <translation>Small (about 1,000 members)</translation>
    </message>
    <message>
        <source>典型乡镇（约5000名会员）</source>
        <translation>Typical township (about 5,000 members)</translation>
    </message>
    <message>
        <source>大型街道（约25000名会员）</source>
        <translation>Large street (about 25,000 members)</translation>
    </message>
    <message>
        <source>本机管理员账号</source>
        <translation>Administrator account on this computer</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>演示数据中的姓名、身份证号和电话都是随机生成的，不是真实人员。</source>
        <translation>Names, ID numbers and phone numbers in the demo data are random; they are not real people.</translation>
    </message>
    <message>
        <source>生成演示数据</source>
        <translation>Generate demo data</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请先选择一个乡镇（街道）</source>
        <translation>Choose a township (street) first</translation>
    </message>
    <message>
        <source>请填写本机管理员账号</source>
        <translation>Enter an administrator account name</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
    <message>
        <source>正在生成演示数据…</source>
        <translation>Generating demo data…</translation>
    </message>
    <message>
        <source>在本机生成，不需要网络。典型乡镇约需半分钟。</source>
        <translation>Generated on this computer, no network needed. A typical township takes about half a minute.</translation>
    </message>
    <message>
        <source>正在下载本乡镇的数据（首次同步）…</source>
        <translation>Downloading the township&apos;s data (first sync)…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>初始设置</source>
        <translation>First-run setup</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>会员</source>
        <translation>member</translation>
    </message>
    <message>
        <source>个人信息</source>
        <translation>Personal details</translation>
    </message>
    <message>
        <source>会员信息</source>
        <translation>Membership</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>person</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>volunteer</translation>
    </message>
    <message>
        <source>志愿者信息</source>
        <translation>Volunteer details</translation>
    </message>
    <message>
        <source>特殊家庭</source>
        <translation>special family</translation>
    </message>
    <message>
        <source>户主（联系人）</source>
        <translation>Head of family (contact)</translation>
    </message>
    <message>
        <source>家庭情况</source>
        <translation>Family</translation>
    </message>
    <message>
        <source>档案与服务</source>
        <translation>Documents and services</translation>
    </message>
    <message>
        <source>家庭成员</source>
        <translation>family member</translation>
    </message>
    <message>
        <source>家庭关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>双岗联系人</source>
        <translation>two-post contact</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>走访记录</source>
        <translation>care visit</translation>
    </message>
    <message>
        <source>走访情况</source>
        <translation>Visit</translation>
    </message>
    <message>
        <source>关怀补贴</source>
        <translation>care subsidy</translation>
    </message>
    <message>
        <source>补贴</source>
        <translation>Subsidy</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>activity</translation>
    </message>
    <message>
        <source>活动情况</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>活动参与人</source>
        <translation>activity attendee</translation>
    </message>
    <message>
        <source>参与人</source>
        <translation>Attendee</translation>
    </message>
    <message>
        <source>阵地</source>
        <translation>site</translation>
    </message>
    <message>
        <source>阵地情况</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>“六有”</source>
        <translation>&quot;Six haves&quot;</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Project</translation>
    </message>
    <message>
        <source>项目情况</source>
        <translation>Project</translation>
    </message>
    <message>
        <source>项目阵地</source>
        <translation>project site</translation>
    </message>
    <message>
        <source>计生协</source>
        <translation>association</translation>
    </message>
    <message>
        <source>协会</source>
        <translation>Association</translation>
    </message>
    <message>
        <source>协会负责人</source>
        <translation>officer</translation>
    </message>
    <message>
        <source>任职</source>
        <translation>Term</translation>
    </message>
    <message>
        <source>会员小组</source>
        <translation>member group</translation>
    </message>
    <message>
        <source>小组</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>志愿者结对</source>
        <translation>volunteer pairing</translation>
    </message>
    <message>
        <source>结对</source>
        <translation>Pairing</translation>
    </message>
    <message>
        <source>补贴标准</source>
        <translation>subsidy rate</translation>
    </message>
    <message>
        <source>标准</source>
        <translation>Rate</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>已同步</source>
        <translation>Synced</translation>
    </message>
    <message>
        <source>待同步：修改只保存在本机，下次同步时上传</source>
        <translation>Waiting: saved on this computer only, uploaded at the next sync</translation>
    </message>
    <message>
        <source>被服务器拒绝：请打开“同步”页查看原因并修改</source>
        <translation>Refused by the server: see the reason on the Sync page and fix it</translation>
    </message>
    <message>
        <source>有冲突：与其他设备的修改不一致，请在“同步”页处理</source>
        <translation>Conflict: differs from another device&apos;s edit; resolve it on the Sync page</translation>
    </message>
    <message>
        <source>待同步</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>被拒绝</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
</context>
<context>
    <name>IdNumberEditor</name>
    <message>
        <source>18位，末位可为X</source>
        <translation>18 characters, the last may be X</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>从 Excel 导入</source>
        <translation>Import from Excel</translation>
    </message>
    <message>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>导入内容</source>
        <translation>What to import</translation>
    </message>
    <message>
        <source>选择 .xlsx、.xls、.ods 或 .csv 文件</source>
        <translation>Choose an .xlsx, .xls, .ods or .csv file</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>按表中的“村（社区）”列</source>
        <translation>From the sheet&apos;s village column</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>特殊家庭不完全符合条件时仍要登记的理由（如：经县计生协审核认定）</source>
        <translation>Why special families that miss a criterion are enrolled anyway (e.g. confirmed by the county association)</translation>
    </message>
    <message>
        <source>登记理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>可以直接导入各乡镇现有的花名册和台账：标题行、合并表头、合计行都会自动识别。下一步可以核对每一列对应的内容。</source>
        <translation>Import the rosters and registers townships already keep: title rows, merged headers and total rows are recognised. The next step shows what each column will be imported as.</translation>
    </message>
    <message>
        <source>表中的列</source>
        <translation>Column in the sheet</translation>
    </message>
    <message>
        <source>示例</source>
        <translation>Examples</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>已有的记录：</source>
        <translation>Records that exist:</translation>
    </message>
    <message>
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>用表中的内容更新</source>
        <translation>Update from the sheet</translation>
    </message>
    <message>
        <source>逐条选择（勾选要更新的）</source>
        <translation>Choose (tick the ones to update)</translation>
    </message>
    <message>
        <source>保存错误报告…</source>
        <translation>Save the error report…</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>姓名/名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>1 选择文件</source>
        <translation>1 File</translation>
    </message>
    <message>
        <source>2 核对列</source>
        <translation>2 Columns</translation>
    </message>
    <message>
        <source>3 预览</source>
        <translation>3 Preview</translation>
    </message>
    <message>
        <source>4 完成</source>
        <translation>4 Done</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>选择要导入的文件</source>
        <translation>Choose the file to import</translation>
    </message>
    <message>
        <source>正在读取文件…</source>
        <translation>Reading the file…</translation>
    </message>
    <message>
        <source>工作表“{sheet}”：表头在第 {rows} 行，数据从第 {start} 行开始，共 {n} 行。请核对每一列要导入为什么；不需要的列选“不导入”。</source>
        <translation>Sheet “{sheet}”: the header is on row {rows}, the data starts on row {start}, {n} rows. Check what each column is imported as; choose “Do not import” for columns you do not need.</translation>
    </message>
    <message>
        <source>（无表头）第 {n} 列</source>
        <translation>(no header) column {n}</translation>
    </message>
    <message>
        <source>不导入</source>
        <translation>Do not import</translation>
    </message>
    <message>
        <source>还需指定：{fields}</source>
        <translation>Still to choose: {fields}</translation>
    </message>
    <message>
        <source>正在检查每一行…</source>
        <translation>Checking every row…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{kind}&lt;/b&gt;：可新增 &lt;b&gt;{new}&lt;/b&gt; 条；已有 &lt;b&gt;{dup}&lt;/b&gt; 条（其中内容相同 {same} 条）；&lt;span style=&apos;color:#cf1322&apos;&gt;有错误 &lt;b&gt;{bad}&lt;/b&gt; 条&lt;/span&gt;，不会导入；空行、合计行等 {skipped} 行已跳过。</source>
        <translation>&lt;b&gt;{kind}&lt;/b&gt;: &lt;b&gt;{new}&lt;/b&gt; new; &lt;b&gt;{dup}&lt;/b&gt; already recorded ({same} of them unchanged); &lt;span style=&apos;color:#cf1322&apos;&gt;&lt;b&gt;{bad}&lt;/b&gt; with errors&lt;/span&gt;, which will not be imported; {skipped} blank or total rows skipped.</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>已有</source>
        <translation>Exists</translation>
    </message>
    <message>
        <source>与第 {n} 行重复</source>
        <translation>Same as row {n}</translation>
    </message>
    <message>
        <source>数据库中已有</source>
        <translation>Already recorded</translation>
    </message>
    <message>
        <source>（内容相同）</source>
        <translation> (unchanged)</translation>
    </message>
    <message>
        <source>保存错误报告</source>
        <translation>Save the error report</translation>
    </message>
    <message>
        <source>错误报告已保存：{path}（{n} 行）</source>
        <translation>Error report saved: {path} ({n} rows)</translation>
    </message>
    <message>
        <source>没有可以导入的行。</source>
        <translation>There are no rows to import.</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>已取消，没有写入任何数据。</source>
        <translation>Cancelled: nothing was written.</translation>
    </message>
    <message>
        <source>&lt;h3&gt;导入完成&lt;/h3&gt;&lt;p&gt;新增 {inserted} 条记录，更新 {updated} 条；有错误未导入 {bad} 行。&lt;/p&gt;&lt;p&gt;这些记录已保存在本机，下次同步时上传到服务器。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Import finished&lt;/h3&gt;&lt;p&gt;{inserted} records added, {updated} updated; {bad} rows with errors were not imported.&lt;/p&gt;&lt;p&gt;The records are saved on this computer and go to the server with the next sync.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>IndicatorCard</name>
    <message>
        <source>目标 {t}</source>
        <translation>target {t}</translation>
    </message>
    <message>
        <source>达标</source>
        <translation>met</translation>
    </message>
    <message>
        <source>未达标</source>
        <translation>not met</translation>
    </message>
</context>
<context>
    <name>ListModel</name>
    <message>
        <source>已隐去中间位；打开记录后可说明理由查看完整号码</source>
        <translation>Middle digits hidden; open the record and give a reason to see the full number</translation>
    </message>
    <message>
        <source>：绿色已同步，橙色待同步，红色被拒绝，紫色有冲突</source>
        <translation>: green synced, orange waiting, red refused, purple in conflict</translation>
    </message>
</context>
<context>
    <name>ListPage</name>
    <message>
        <source>新增 (Ctrl+N)</source>
        <extracomment>How far down a list a record just saved is looked for (pages of 100).</extracomment>
        <translation>New (Ctrl+N)</translation>
    </message>
    <message>
        <source>读取列表</source>
        <translation>Reading the list</translation>
    </message>
    <message>
        <source>没有符合条件的记录</source>
        <translation>No matching records</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>共 {n} 条</source>
        <translation>{n} records</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>{name}（{user}）长时间未操作，程序已锁定。未保存的内容仍在。</source>
        <translation>{name} ({user}) was away, so the program locked. Unsaved work is still there.</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>恢复码也丢了：由乡镇管理员联网取回托管的密钥</source>
        <translation>The recovery code is lost too: a township administrator recovers the escrowed key online</translation>
    </message>
    <message>
        <source>管理员账号</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>管理员密码</source>
        <translation>Administrator&apos;s password</translation>
    </message>
    <message>
        <source>托管口令</source>
        <translation>Escrow passphrase</translation>
    </message>
    <message>
        <source>请填写管理员账号、管理员密码、托管口令、账号和新密码</source>
        <translation>Fill in the administrator, their password, the escrow passphrase, the account and the new password</translation>
    </message>
    <message>
        <source>正在联网取回托管的密钥…</source>
        <translation>Recovering the escrowed key from the server…</translation>
    </message>
    <message>
        <source>计生协数据采集 — 登录</source>
        <translation>FPA data entry — sign in</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>本机数据尚未加密。用您的账号和密码登录后，程序会立即加密数据，并显示一次恢复码。</source>
        <translation>The data on this computer is not encrypted yet. Sign in with your account and password: the program encrypts it at once and shows a recovery code once.</translation>
    </message>
    <message>
        <source>忘记密码…</source>
        <translation>Forgot password…</translation>
    </message>
    <message>
        <source>忘记密码：用恢复码设置新密码</source>
        <translation>Forgot password: set a new one with the recovery code</translation>
    </message>
    <message>
        <source>恢复码在本机数据建立时显示过一次，通常由乡镇管理员保管。设置新密码不会改动任何数据，未同步的修改都会保留。</source>
        <translation>The recovery code was shown once when the data on this computer was set up; the township administrator usually keeps it. Setting a new password changes no data; unsynced changes are kept.</translation>
    </message>
    <message>
        <source>恢复码</source>
        <translation>Recovery code</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类。</source>
        <translation>At least 8 characters, mixing three of: upper case, lower case, digits, symbols.</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>设置新密码</source>
        <translation>Set new password</translation>
    </message>
    <message>
        <source>请填写账号和密码</source>
        <translation>Enter the account and password</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <source>请填写恢复码、账号和新密码</source>
        <translation>Enter the recovery code, the account and a new password</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
    <message>
        <source>正在验证恢复码…</source>
        <translation>Checking the recovery code…</translation>
    </message>
    <message>
        <source>登录失败</source>
        <translation>Sign-in failed</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>工作台</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>会员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>特殊家庭</source>
        <translation>Special families</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Activities</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>Volunteers</translation>
    </message>
    <message>
        <source>阵地与项目</source>
        <translation>Sites &amp; projects</translation>
    </message>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>锁定屏幕 (Ctrl+L)</source>
        <translation>Lock the screen (Ctrl+L)</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>没有可以撤销的保存或删除</source>
        <translation>Nothing to undo</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>已撤销：{what}</source>
        <translation>Undone: {what}</translation>
    </message>
    <message>
        <source>{name}（{role}）</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>计生协数据采集</source>
        <translation>FPA data entry</translation>
    </message>
    <message>
        <source>【演示数据，不能同步】</source>
        <translation> [demo data, never synced]</translation>
    </message>
    <message>
        <source>编辑(&amp;E)</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>撤销上一次保存或删除</source>
        <translation>Undo the last save or delete</translation>
    </message>
    <message>
        <source>回收站(&amp;R)…</source>
        <translation>&amp;Recycle bin…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>快捷键(&amp;K)</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>关于(&amp;A)…</source>
        <translation>&amp;About…</translation>
    </message>
    <message>
        <source>版本 {version}</source>
        <translation>Version {version}</translation>
    </message>
    <message>
        <source>乡镇计生协数据采集：离线录入，联网同步。</source>
        <translation>Township data entry for the Family Planning Association: works offline, syncs when online.</translation>
    </message>
    <message>
        <source>© 湖南省计划生育协会</source>
        <translation>© Hunan Family Planning Association</translation>
    </message>
    <message>
        <source>新版本 {version} 已发布，下载地址：</source>
        <translation>Version {version} is available. Download: </translation>
    </message>
    <message>
        <source>新版本 {version} 已发布，请向县级或省级管理员索取安装程序。</source>
        <translation>Version {version} is available; ask your county or province administrator for the installer.</translation>
    </message>
    <message>
        <source>数据文件：{path}</source>
        <translation>Data file: {path}</translation>
    </message>
    <message>
        <source>服务器：{url}</source>
        <translation>Server: {url}</translation>
    </message>
    <message>
        <source>尚未连接服务器</source>
        <translation>Not connected to a server yet</translation>
    </message>
    <message>
        <source>数据结构 {store} · 同步协议 {protocol} · 记录结构 {records}</source>
        <translation>data schema {store} · sync protocol {protocol} · record schema {records}</translation>
    </message>
    <message>
        <source>关于 计生协数据采集</source>
        <translation>About FPA data entry</translation>
    </message>
    <message>
        <source>同步完成：上传 {s} 条，下载 {r} 条</source>
        <translation>Sync done: {s} sent, {r} received</translation>
    </message>
    <message>
        <source>同步完成，但有修改被服务器拒绝，请到“同步”页处理</source>
        <translation>Sync done, but the server refused some changes; see the Sync page</translation>
    </message>
    <message>
        <source>同步已取消，已完成的部分已保存</source>
        <translation>Sync cancelled; what was done is saved</translation>
    </message>
    <message>
        <source>同步发现 {n} 处冲突，请到“同步”页查看</source>
        <translation>Sync found {n} conflicts; see the Sync page</translation>
    </message>
    <message>
        <source>下班前同步</source>
        <translation>Sync before you leave</translation>
    </message>
    <message>
        <source>今天还有 {n} 条修改没有同步到服务器。现在同步吗？</source>
        <translation>{n} changes made here have not been synced yet. Sync now?</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>稍后</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>正在恢复</source>
        <translation>Restoring</translation>
    </message>
    <message>
        <source>已恢复</source>
        <translation>Restored</translation>
    </message>
    <message>
        <source>已从备份恢复。原来的数据另存在：
{kept}</source>
        <translation>Restored from the backup. The previous data is kept at:
{kept}</translation>
    </message>
    <message>
        <source>备份之后未同步的 {n} 条修改已保留，下次同步时上传（其中 {c} 处需要核对）。</source>
        <translation>The {n} changes made since the backup and not yet synced are kept and go out at the next sync ({c} of them to check).</translation>
    </message>
    <message>
        <source>备份属于其他乡镇，原来未同步的 {n} 条修改只保存在上面的副本中。</source>
        <translation>The backup belongs to another township: the {n} changes not yet synced are only in the copy above.</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
</context>
<context>
    <name>MobileEditor</name>
    <message>
        <source>11位手机号码</source>
        <translation>11-digit mobile number</translation>
    </message>
</context>
<context>
    <name>OfferTransferDialog</name>
    <message>
        <source>申请迁往其他乡镇</source>
        <translation>Offer a family to another township</translation>
    </message>
    <message>
        <source>特殊家庭（户主）</source>
        <translation>Special family (head)</translation>
    </message>
    <message>
        <source>输入乡镇或村（社区）名称，或区划代码</source>
        <translation>Type a township or village name, or a division code</translation>
    </message>
    <message>
        <source>迁往</source>
        <translation>Moving to</translation>
    </message>
    <message>
        <source>如：户籍迁移</source>
        <translation>e.g. household registration moved</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>申请后记录仍留在本乡镇，接收乡镇确认后才移过去。这户有未同步的修改时，请先同步再申请。</source>
        <translation>The records stay in this township until the receiving township accepts them. If the family has unsynced changes, sync first, then offer it.</translation>
    </message>
    <message>
        <source>申请迁出</source>
        <translation>Offer the transfer</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>本机尚未连接服务器：迁移须联网办理，请先连接服务器。</source>
        <translation>This computer is not connected to the server: transfers are made online, so connect to the server first.</translation>
    </message>
    <message>
        <source>随这户迁出 {n} 条记录（家庭、成员、走访、补贴等）。</source>
        <translation>{n} records go with this family (the family, its members, visits, subsidies…).</translation>
    </message>
    <message>
        <source>其中 {k} 人在本乡镇还有其他记录，留在本乡镇。</source>
        <translation> {k} of its persons have other records here and stay in this township.</translation>
    </message>
</context>
<context>
    <name>OrganisationPage</name>
    <message>
        <source>组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>新增行业协会</source>
        <translation>New sector association</translation>
    </message>
    <message>
        <source>查找协会：名称或拼音首字母 (Ctrl+F)</source>
        <translation>Find an association: name or pinyin initials (Ctrl+F)</translation>
    </message>
    <message>
        <source>协会</source>
        <translation>Association</translation>
    </message>
    <message>
        <source>会员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Officers</translation>
    </message>
    <message>
        <source>请在左边选择一个协会</source>
        <translation>Select an association on the left</translation>
    </message>
    <message>
        <source>编辑协会</source>
        <translation>Edit association</translation>
    </message>
    <message>
        <source>负责人（含历届任期）</source>
        <translation>Officers (all terms)</translation>
    </message>
    <message>
        <source>会员小组</source>
        <translation>Member group</translation>
    </message>
    <message>
        <source>在籍会员 {m} 人，现任负责人 {o} 人</source>
        <translation>{m} active members, {o} officers in office</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <source>会员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>搜索：姓名、拼音全拼或首字母、身份证号、手机号 (Ctrl+F)</source>
        <translation>Search: name, pinyin or initials, ID number, mobile (Ctrl+F)</translation>
    </message>
    <message>
        <source>全部村（社区）</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>Any type</translation>
    </message>
    <message>
        <source>全部角色</source>
        <translation>Any role</translation>
    </message>
    <message>
        <source>入会日期</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>Volunteers</translation>
    </message>
    <message>
        <source>全部层级</source>
        <translation>Any level</translation>
    </message>
    <message>
        <source>在岗与不在岗</source>
        <translation>Active or not</translation>
    </message>
    <message>
        <source>在岗</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>不在岗</source>
        <translation>Not active</translation>
    </message>
    <message>
        <source>特殊家庭</source>
        <translation>Special families</translation>
    </message>
    <message>
        <source>搜索：户主姓名、拼音首字母、身份证号、手机号 (Ctrl+F)</source>
        <translation>Search: head&apos;s name, pinyin initials, ID number, mobile (Ctrl+F)</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>Any category</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Activities</translation>
    </message>
    <message>
        <source>搜索：活动名称、地点、合作单位 (Ctrl+F)</source>
        <translation>Search: title, place, partners (Ctrl+F)</translation>
    </message>
    <message>
        <source>全部协会</source>
        <translation>All associations</translation>
    </message>
    <message>
        <source>全部主题</source>
        <translation>Any campaign</translation>
    </message>
    <message>
        <source>活动日期</source>
        <translation>Date held</translation>
    </message>
    <message>
        <source>阵地</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>搜索：阵地名称、地址 (Ctrl+F)</source>
        <translation>Search: site name, address (Ctrl+F)</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Projects</translation>
    </message>
    <message>
        <source>搜索：项目名称、资金来源 (Ctrl+F)</source>
        <translation>Search: project name, fund source (Ctrl+F)</translation>
    </message>
    <message>
        <source>全部级别</source>
        <translation>Any level</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>原密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类。已连接服务器时，服务器密码同时修改，其他电脑上的登录随之失效。</source>
        <translation>At least 8 characters, mixing three of: upper case, lower case, digits, symbols. When connected, the server password changes too, and sign-ins on other computers end.</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
</context>
<context>
    <name>PersonMergeDialog</name>
    <message>
        <source>合并审核</source>
        <translation>Merge review</translation>
    </message>
    <message>
        <source>可能重复的人员</source>
        <translation>Possible duplicate persons</translation>
    </message>
    <message>
        <source>同一身份证号码的人员在两台设备上分别登记，同步时已合并为一条记录，但以下项目不一致。请逐项选择要保留的值；与现值不同的选择会在下次同步时上传。</source>
        <translation>A person with this ID number was registered on two devices and merged into one record at sync, but these fields differ. Choose the value to keep for each field; a choice that differs from the current value is uploaded at the next sync.</translation>
    </message>
    <message>
        <source>这两条人员记录姓名、出生日期和所在村相同，又缺少身份证号码，可能是同一个人。合并后，关联的会员、家庭等记录都改为指向保留的人员，另一条移入回收站；如果是两个人，请选“不是同一人”。</source>
        <translation>These two person records have the same name, date of birth and village and no ID number to tell them apart: they may be one person. Merging points their member, family and other records at the kept person and moves the other to the recycle bin; if they are two people, choose “Not the same person”.</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>保留的记录</source>
        <translation>Kept record</translation>
    </message>
    <message>
        <source>现在的值</source>
        <translation>Current value</translation>
    </message>
    <message>
        <source>另一条记录</source>
        <translation>Other record</translation>
    </message>
    <message>
        <source>另一台设备登记的值</source>
        <translation>Value registered on the other device</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <source>左边</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>右边</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>相同</source>
        <translation>Same</translation>
    </message>
    <message>
        <source>不变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <source>补充到保留的记录</source>
        <translation>Added to the kept record</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>不是同一人</source>
        <translation>Not the same person</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>正在合并…</source>
        <translation>Merging…</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>未能保存</source>
        <translation>Could not save</translation>
    </message>
</context>
<context>
    <name>ProjectDetail</name>
    <message>
        <source>项目覆盖的阵地</source>
        <translation>Sites covered by the project</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <source>当前账号只能查看</source>
        <translation>This account can only view</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>（户主：{name}）</source>
        <translation> (head: {name})</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit </translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New </translation>
    </message>
    <message>
        <source>使用此人员</source>
        <translation>Use this person</translation>
    </message>
    <message>
        <source>仍要登记的理由</source>
        <translation>Reason to enrol anyway</translation>
    </message>
    <message>
        <source>如：经村委会核实，情况属实</source>
        <translation>e.g. verified by the village committee</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>保存 (Enter)</source>
        <translation>Save (Enter)</translation>
    </message>
    <message>
        <source>保存并新增</source>
        <translation>Save and new</translation>
    </message>
    <message>
        <source>保存后继续登记下一条 (Ctrl+Shift+Enter)</source>
        <translation>Save, then enter the next one (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>无法读取这条记录</source>
        <translation>This record cannot be read</translation>
    </message>
    <message>
        <source>这条记录已被删除</source>
        <translation>This record has been deleted</translation>
    </message>
    <message>
        <source>读取记录</source>
        <translation>Reading the record</translation>
    </message>
    <message>
        <source>不完全符合特殊家庭扶助条件：</source>
        <translation>Does not fully meet the special-family criteria:</translation>
    </message>
    <message>
        <source>请填写仍要登记的理由，或修改上面的内容</source>
        <translation>Give a reason to enrol anyway, or change the details above</translation>
    </message>
    <message>
        <source>男</source>
        <translation>male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>female</translation>
    </message>
    <message>
        <source>会员</source>
        <translation>member</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>volunteer</translation>
    </message>
    <message>
        <source>特殊家庭成员</source>
        <translation>special-family member</translation>
    </message>
    <message>
        <source>特殊家庭户主</source>
        <translation>special-family head</translation>
    </message>
    <message>
        <source>已登记过身份证号 {id} 的人员：{name}，{sex}，{birth}，{village}</source>
        <translation>A person with ID number {id} is already recorded: {name}, {sex}, {birth}, {village}</translation>
    </message>
    <message>
        <source>（现为{roles}）</source>
        <translation> (now: {roles})</translation>
    </message>
    <message>
        <source>同一身份证号不能登记两次。</source>
        <translation>The same ID number cannot be recorded twice.</translation>
    </message>
    <message>
        <source>此人已有这类记录，请打开已有记录，不要重复登记。</source>
        <translation>This person already has such a record; open it instead of entering it again.</translation>
    </message>
    <message>
        <source>打开已有记录</source>
        <translation>Open the existing record</translation>
    </message>
    <message>
        <source>请使用已有人员，不要重复登记。</source>
        <translation>Use the existing person instead of entering them again.</translation>
    </message>
    <message>
        <source>已使用已登记的人员，修改将更新其资料</source>
        <translation>Using the recorded person; changes update their details</translation>
    </message>
    <message>
        <source>请按提示修改标红的内容</source>
        <translation>Please correct the fields marked in red</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>已保存。请继续登记下一条。</source>
        <translation>Saved. Enter the next one.</translation>
    </message>
    <message>
        <source>未保存：请按提示修改</source>
        <translation>Not saved: please correct as shown</translation>
    </message>
    <message>
        <source>保存{noun} {name}</source>
        <translation>save of {noun} {name}</translation>
    </message>
    <message>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>未保存：这条记录或它关联的记录已被删除</source>
        <translation>Not saved: this record or one it links to has been deleted</translation>
    </message>
    <message>
        <source>未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>表单中有尚未保存的内容。要保存吗？</source>
        <translation>The form has changes that are not saved. Save them?</translation>
    </message>
    <message>
        <source>不保存</source>
        <translation>Don&apos;t save</translation>
    </message>
    <message>
        <source>继续编辑</source>
        <translation>Keep editing</translation>
    </message>
</context>
<context>
    <name>RecordTable</name>
    <message>
        <source>打开/编辑</source>
        <translation>Open/edit</translation>
    </message>
    <message>
        <source>删除…</source>
        <translation>Delete…</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>恢复码</source>
        <translation>Recovery code</translation>
    </message>
    <message>
        <source>这是本机数据的恢复码，只显示这一次。请抄写在纸上，交乡镇管理员密封保管。忘记密码时，用它可以设置新密码，数据不会丢失。不要拍照，不要存在电脑里。</source>
        <translation>This is the recovery code of the data on this computer, shown this once. Write it on paper and have the township administrator keep it sealed. With it a forgotten password can be replaced without losing data. Do not photograph it or keep it on a computer.</translation>
    </message>
    <message>
        <source>我已抄写并妥善保管</source>
        <translation>I have written it down and will keep it safe</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>RecycleBin</name>
    <message>
        <source>回收站</source>
        <translation>Recycle bin</translation>
    </message>
    <message>
        <source>最近 {days} 天内删除的记录。选中后点“恢复”，恢复会在下次同步时通知服务器。</source>
        <translation>Records deleted in the last {days} days. Select one and click Restore; the server learns of it at the next sync.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>删除时间</source>
        <translation>Deleted at</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>回收站是空的</source>
        <translation>The recycle bin is empty</translation>
    </message>
    <message>
        <source>已恢复{what}</source>
        <translation>Restored: {what}</translation>
    </message>
    <message>
        <source>无法恢复：{why}</source>
        <translation>Cannot restore: {why}</translation>
    </message>
</context>
<context>
    <name>RefEditor</name>
    <message>
        <source>输入姓名、拼音首字母或身份证号查找</source>
        <translation>Type a name, pinyin initials or ID number</translation>
    </message>
    <message>
        <source>输入户主姓名、拼音首字母或身份证号查找</source>
        <translation>Type the head&apos;s name, pinyin initials or ID number</translation>
    </message>
    <message>
        <source>输入阵地名称查找</source>
        <translation>Type a site name</translation>
    </message>
    <message>
        <source>输入小组名称查找，或留空</source>
        <translation>Type a group name, or leave empty</translation>
    </message>
</context>
<context>
    <name>Reveal</name>
    <message>
        <source>当前账号无权查看完整号码</source>
        <translation>This account may not see full numbers</translation>
    </message>
    <message>
        <source>查看完整号码</source>
        <translation>Show the full number</translation>
    </message>
    <message>
        <source>请说明查看完整号码的理由（将记入操作日志）：</source>
        <translation>Why do you need the full number? (recorded in the audit log)</translation>
    </message>
</context>
<context>
    <name>SensitiveEditor</name>
    <message>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>查看完整号码（需说明理由，记入操作日志）</source>
        <translation>Show the full number (needs a reason; recorded in the audit log)</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>服务器与账号</source>
        <translation>Server and account</translation>
    </message>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to server…</translation>
    </message>
    <message>
        <source>退出登录</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>使用习惯</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <source>演示数据</source>
        <translation>Demo data</translation>
    </message>
    <message>
        <source>本机现在是演示数据，不能连接服务器。开始正式使用时，演示数据移到数据文件夹中的 demo-日期 文件夹（不会删除），程序回到首次使用的设置。</source>
        <translation>This computer holds demo data and cannot be connected to a server. Starting for real moves the demo data into a demo-date folder in the data folder (nothing is deleted) and the program goes back to its first-run setup.</translation>
    </message>
    <message>
        <source>开始正式使用…</source>
        <translation>Start for real…</translation>
    </message>
    <message>
        <source>断开服务器</source>
        <translation>Disconnect</translation>
    </message>
    <message>
        <source>界面语言 Language</source>
        <translation>Language 界面语言</translation>
    </message>
    <message>
        <source>服务器恢复连接时自动同步</source>
        <translation>Sync automatically when the server is reachable again</translation>
    </message>
    <message>
        <source>下班前提醒同步，时间</source>
        <translation>Remind me to sync at the end of the day, at</translation>
    </message>
    <message>
        <source>安全</source>
        <translation>Security</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source>无操作自动锁定</source>
        <translation>Lock when idle after</translation>
    </message>
    <message>
        <source>修改密码…</source>
        <translation>Change password…</translation>
    </message>
    <message>
        <source>本机账号…</source>
        <translation>Accounts on this computer…</translation>
    </message>
    <message>
        <source>操作日志…</source>
        <translation>Audit log…</translation>
    </message>
    <message>
        <source>密钥托管…</source>
        <translation>Key escrow…</translation>
    </message>
    <message>
        <source>设置本乡镇的托管密钥：密码和恢复码都丢失时，由乡镇管理员取回数据密钥</source>
        <translation>Set the township&apos;s escrow key: when a password and its recovery code are both lost, a township administrator recovers the data key</translation>
    </message>
    <message>
        <source>数据备份</source>
        <translation>Backups</translation>
    </message>
    <message>
        <source>立即备份…</source>
        <translation>Back up now…</translation>
    </message>
    <message>
        <source>从备份恢复…</source>
        <translation>Restore from backup…</translation>
    </message>
    <message>
        <source>检查数据</source>
        <translation>Check data</translation>
    </message>
    <message>
        <source>回收站…</source>
        <translation>Recycle bin…</translation>
    </message>
    <message>
        <source>恢复 30 天内删除的记录</source>
        <translation>Restore records deleted in the last 30 days</translation>
    </message>
    <message>
        <source>关怀补贴标准</source>
        <translation>Care subsidy rates</translation>
    </message>
    <message>
        <source>各年度日补贴标准</source>
        <translation>Daily rates by year</translation>
    </message>
    <message>
        <source>数据文件：{path}</source>
        <translation>Data file: {path}</translation>
    </message>
    <message>
        <source>开始正式使用</source>
        <translation>Start for real</translation>
    </message>
    <message>
        <source>把演示数据移开，用空白数据重新开始吗？</source>
        <translation>Move the demo data aside and start again with empty data?</translation>
    </message>
    <message>
        <source>程序会关闭当前数据并回到首次使用的设置：连接服务器，或选择乡镇。</source>
        <translation>The program closes the current data and goes back to the first-run setup: connect to the server, or choose a township.</translation>
    </message>
    <message>
        <source>已连接 {url}
账号：{user}</source>
        <translation>Connected to {url}
Account: {user}</translation>
    </message>
    <message>
        <source>重新登录…</source>
        <translation>Log in again…</translation>
    </message>
    <message>
        <source>本机尚未连接省级服务器。</source>
        <translation>This computer is not connected to the provincial server.</translation>
    </message>
    <message>
        <source>程序每天自动备份一次（加密，保留最近 14 份）。建议每周另外备份一次到U盘或其他电脑。上次手动备份：{last}</source>
        <translation>The program backs up daily by itself (encrypted, the last 14 kept). Also back up weekly to a USB stick or another computer. Last manual backup: {last}</translation>
    </message>
    <message>
        <source>备份文件 (*.jsxbak)</source>
        <translation>Backups (*.jsxbak)</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>备份到</source>
        <translation>Back up to</translation>
    </message>
    <message>
        <source>正在备份</source>
        <translation>Backing up</translation>
    </message>
    <message>
        <source>已备份到 {path}</source>
        <translation>Backed up to {path}</translation>
    </message>
    <message>
        <source>备份</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>用备份替换本机现在的数据？现在的数据会另存一份，不会丢失。恢复后程序会重新打开数据。</source>
        <translation>Replace the data on this computer with the backup? The current data is kept in a separate copy and not lost. The program reopens the data afterwards.</translation>
    </message>
    <message>
        <source>本机有 {n} 条修改尚未同步：恢复后会保留在恢复的数据中，下次同步时上传。</source>
        <translation>{n} changes on this computer are not synced yet: they are kept in the restored data and go out at the next sync.</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在检查数据</source>
        <translation>Checking data</translation>
    </message>
    <message>
        <source>数据完好。</source>
        <translation>The data is intact.</translation>
    </message>
    <message>
        <source>数据文件已损坏，请从备份恢复，或联系技术支持。</source>
        <translation>The data file is damaged: restore a backup or call support.</translation>
    </message>
    <message>
        <source>发现 {n} 个问题，请联系技术支持：</source>
        <translation>{n} problems found; please contact support:</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>作用</source>
        <translation>What</translation>
    </message>
    <message>
        <source>适用</source>
        <translation>Where</translation>
    </message>
</context>
<context>
    <name>StatisticsPage</name>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>月</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>季度</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <source>半年</source>
        <translation>Half year</translation>
    </message>
    <message>
        <source>年</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>日期范围</source>
        <translation>Date range</translation>
    </message>
    <message>
        <source>{y}年</source>
        <translation>{y}</translation>
    </message>
    <message>
        <source>全乡镇</source>
        <translation>Whole township</translation>
    </message>
    <message>
        <source>导出月报…</source>
        <translation>Export report…</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>上报县级…</source>
        <translation>Submit to county…</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicators</translation>
    </message>
    <message>
        <source>图表指标</source>
        <translation>Chart</translation>
    </message>
    <message>
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <source>分村</source>
        <translation>By village</translation>
    </message>
    <message>
        <source>{m}月</source>
        <translation>{name}</translation>
    </message>
    <message>
        <source>上半年</source>
        <translation>First half</translation>
    </message>
    <message>
        <source>下半年</source>
        <translation>Second half</translation>
    </message>
    <message>
        <source>本期月报尚未上报</source>
        <translation>This period&apos;s report has not been submitted</translation>
    </message>
    <message>
        <source>已于 {t} 上报，等待县级审核</source>
        <translation>Submitted {t}; waiting for the county&apos;s review</translation>
    </message>
    <message>
        <source>县级已审核通过（{who} {t}）</source>
        <translation>Accepted by the county ({who} {t})</translation>
    </message>
    <message>
        <source>县级已退回（{who} {t}）：{c}</source>
        <translation>Returned by the county ({who} {t}): {c}</translation>
    </message>
    <message>
        <source>（尚未同步到服务器）</source>
        <translation> (not yet synced to the server)</translation>
    </message>
    <message>
        <source>重新上报…</source>
        <translation>Submit again…</translation>
    </message>
    <message>
        <source>已通过</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>上报县级</source>
        <translation>Submit to county</translation>
    </message>
    <message>
        <source>把 {p} 的月报上报到县级？下次同步时发送；县级审核前可以重新上报。</source>
        <translation>Submit the report for {p} to the county? It is sent at the next sync; until the county reviews it you can submit again.</translation>
    </message>
    <message>
        <source>导出月报</source>
        <translation>Export report</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>已保存 {p}</source>
        <translation>Saved {p}</translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <source>操作日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>打印月报</source>
        <translation>Print report</translation>
    </message>
    <message>
        <source>第一季度</source>
        <translation>Q1</translation>
    </message>
    <message>
        <source>第二季度</source>
        <translation>Q2</translation>
    </message>
    <message>
        <source>第三季度</source>
        <translation>Q3</translation>
    </message>
    <message>
        <source>第四季度</source>
        <translation>Q4</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village (community)</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>正在同步</source>
        <translation>Syncing</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>本机还没有连接省级服务器，无法同步。修改已安全保存在本机。</source>
        <translation>This computer is not connected to the provincial server yet, so it cannot sync. Your changes are kept safely on this computer.</translation>
    </message>
    <message>
        <source>要现在连接服务器吗？需要县级管理员提供的服务器地址和账号。</source>
        <translation>Connect to the server now? You need the server address and the account from the county administrator.</translation>
    </message>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to the server…</translation>
    </message>
    <message>
        <source>稍后</source>
        <translation>Later</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>同步 (F9)</source>
        <translation>Sync (F9)</translation>
    </message>
    <message>
        <source>未连接服务器</source>
        <translation>Not connected</translation>
    </message>
    <message>
        <source>修改保存在本机。在“设置”中连接省级服务器后即可同步。</source>
        <translation>Changes are kept on this computer. Connect to the provincial server in Settings to sync.</translation>
    </message>
    <message>
        <source>正在同步…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>连不上服务器。修改已安全保存在本机，网络恢复后会自动同步。</source>
        <translation>The server cannot be reached. Changes are safe on this computer and sync automatically when the network is back.</translation>
    </message>
    <message>
        <source>正在检查网络…</source>
        <translation>Checking the network…</translation>
    </message>
    <message>
        <source>待同步 {n} 条</source>
        <translation>{n} waiting</translation>
    </message>
    <message>
        <source>冲突 {n} 个</source>
        <translation>conflicts: {n}</translation>
    </message>
    <message>
        <source>被拒绝 {n} 条</source>
        <translation>refused: {n}</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>（{details}）</source>
        <translation> ({details})</translation>
    </message>
    <message>
        <source>上次同步 {t}</source>
        <translation>Last sync {t}</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source>新版本 {v} 可用</source>
        <translation>Version {v} available</translation>
    </message>
    <message>
        <source>下载地址：{url}</source>
        <translation>Download: {url}</translation>
    </message>
    <message>
        <source>请向县级或省级管理员索取新版本安装程序</source>
        <translation>Ask your county or province administrator for the new installer</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>成功</source>
        <translation>succeeded</translation>
    </message>
    <message>
        <source>部分被拒绝</source>
        <translation>some changes refused</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>未连上服务器</source>
        <translation>server not reachable</translation>
    </message>
    <message>
        <source>需要重新登录</source>
        <translation>log in again</translation>
    </message>
    <message>
        <source>版本不兼容</source>
        <translation>version not accepted</translation>
    </message>
    <message>
        <source>服务器故障</source>
        <translation>server problem</translation>
    </message>
    <message>
        <source>出错</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>进行中</source>
        <translation>running</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to server…</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>户籍迁移…</source>
        <translation>Transfers…</translation>
    </message>
    <message>
        <source>特殊家庭迁往其他乡镇：申请迁出，接收或拒绝迁入（须联网）</source>
        <translation>Special families moving to another township: offer them, accept or refuse incoming ones (online)</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>冲突项目</source>
        <translation>Fields in conflict</translation>
    </message>
    <message>
        <source>发现时间</source>
        <translation>Found</translation>
    </message>
    <message>
        <source>处理冲突…</source>
        <translation>Resolve…</translation>
    </message>
    <message>
        <source>被拒绝的原因</source>
        <translation>Why it was refused</translation>
    </message>
    <message>
        <source>修改时间</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>先打开记录按原因修改并保存，再重新提交。</source>
        <translation>Open the record, fix it as the reason says and save, then resend.</translation>
    </message>
    <message>
        <source>打开修改…</source>
        <translation>Open and fix…</translation>
    </message>
    <message>
        <source>重新提交</source>
        <translation>Resend</translation>
    </message>
    <message>
        <source>放弃这次修改…</source>
        <translation>Give up this change…</translation>
    </message>
    <message>
        <source>开始时间</source>
        <translation>Started</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>上传</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>下载</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merged</translation>
    </message>
    <message>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>被拒绝</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>用时</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>被拒绝的修改</source>
        <translation>Refused changes</translation>
    </message>
    <message>
        <source>重复人员</source>
        <translation>Duplicate persons</translation>
    </message>
    <message>
        <source>同步记录</source>
        <translation>Sync history</translation>
    </message>
    <message>
        <source>尚未连接省级服务器。修改都保存在本机。</source>
        <translation>Not connected to the provincial server yet. All changes are kept on this computer.</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>正在检查…</source>
        <translation>checking…</translation>
    </message>
    <message>
        <source>服务器 {url}，账号 {user}，{status}</source>
        <translation>Server {url}, account {user}, {status}</translation>
    </message>
    <message>
        <source>从未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>待同步的修改 &lt;b&gt;{p}&lt;/b&gt; 条&#x3000;冲突 &lt;b&gt;{c}&lt;/b&gt; 个&#x3000;被拒绝 &lt;b&gt;{r}&lt;/b&gt; 条</source>
        <translation>Changes waiting &lt;b&gt;{p}&lt;/b&gt; · conflicts &lt;b&gt;{c}&lt;/b&gt; · refused &lt;b&gt;{r}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>上次同步：{last} {outcome}</source>
        <translation>Last sync: {last} {outcome}</translation>
    </message>
    <message>
        <source>重新登录…</source>
        <translation>Log in again…</translation>
    </message>
    <message>
        <source>冲突（{n}）</source>
        <translation>Conflicts ({n})</translation>
    </message>
    <message>
        <source>被拒绝的修改（{n}）</source>
        <translation>Refused changes ({n})</translation>
    </message>
    <message>
        <source>重复人员（{n}）</source>
        <translation>Duplicate persons ({n})</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Give up change</translation>
    </message>
    <message>
        <source>放弃这次被拒绝的修改？记录将恢复为服务器上的内容。</source>
        <translation>Give up this refused change? The record goes back to what the server holds.</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
</context>
<context>
    <name>TownshipPicker</name>
    <message>
        <source>输入乡镇（街道）名称、拼音首字母或代码，如 清水塘 / qst</source>
        <translation>Type a township name, pinyin initials or code, e.g. 清水塘 / qst</translation>
    </message>
    <message>
        <source>正在读取行政区划…</source>
        <translation>Reading the divisions…</translation>
    </message>
    <message>
        <source>读取行政区划</source>
        <translation>Reading the divisions</translation>
    </message>
    <message>
        <source>共 {n} 个乡镇（街道）</source>
        <translation>{n} townships and streets</translation>
    </message>
    <message>
        <source>找到 {n} 个乡镇（街道）</source>
        <translation>{n} townships found</translation>
    </message>
    <message>
        <source>没有找到，请换个名称、拼音首字母或代码试试</source>
        <translation>Nothing found; try another name, pinyin initials or a code</translation>
    </message>
</context>
<context>
    <name>TransfersDialog</name>
    <message>
        <source>户籍迁移（跨乡镇）</source>
        <translation>Transfers between townships</translation>
    </message>
    <message>
        <source>特殊家庭迁往其他乡镇时，由本乡镇申请迁出，接收乡镇确认后，记录才移到对方；迁移须联网办理，接收后下次同步时生效。</source>
        <translation>When a special family moves to another township, this township offers it and the records move only once the receiving township accepts. Transfers are made online and take effect at the next sync after acceptance.</translation>
    </message>
    <message>
        <source>迁入本乡镇</source>
        <translation>Incoming</translation>
    </message>
    <message>
        <source>本乡镇迁出</source>
        <translation>Outgoing</translation>
    </message>
    <message>
        <source>显示已处理的</source>
        <translation>Show decided ones</translation>
    </message>
    <message>
        <source>申请迁出…</source>
        <translation>Offer a family…</translation>
    </message>
    <message>
        <source>接收</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>拒绝</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <source>撤回申请</source>
        <translation>Cancel the offer</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>迁出乡镇</source>
        <translation>From township</translation>
    </message>
    <message>
        <source>迁往</source>
        <translation>Moving to</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Persons</translation>
    </message>
    <message>
        <source>记录数</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Offered by</translation>
    </message>
    <message>
        <source>申请时间</source>
        <translation>Offered at</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>待接收</source>
        <translation>Awaiting acceptance</translation>
    </message>
    <message>
        <source>已接收</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>已拒绝</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>已撤回</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>本机尚未连接服务器：迁移须联网办理，请先连接服务器。</source>
        <translation>This computer is not connected to the server: transfers are made online, so connect to the server first.</translation>
    </message>
    <message>
        <source>（可以查看，不能办理）</source>
        <translation> (you may look, not act)</translation>
    </message>
    <message>
        <source>迁入本乡镇（{n}）</source>
        <translation>Incoming ({n})</translation>
    </message>
    <message>
        <source>本乡镇迁出（{n}）</source>
        <translation>Outgoing ({n})</translation>
    </message>
    <message>
        <source>户籍迁移</source>
        <translation>Transfers</translation>
    </message>
    <message>
        <source>已申请迁出（编号 {id}，{n} 条记录），等待接收乡镇确认。</source>
        <translation>Transfer {id} offered ({n} records); the receiving township accepts it.</translation>
    </message>
    <message>
        <source>接收编号 {id} 的迁移（{names}，{n} 条记录）？接收后，下次同步时这些记录下载到本机。</source>
        <translation>Accept transfer {id} ({names}, {n} records)? Once accepted, the records come to this computer at the next sync.</translation>
    </message>
    <message>
        <source>拒绝编号 {id} 的迁移？记录留在原乡镇，对方可以重新申请。</source>
        <translation>Refuse transfer {id}? The records stay in their township, which may offer them again.</translation>
    </message>
    <message>
        <source>撤回编号 {id} 的迁移申请？</source>
        <translation>Cancel the offer of transfer {id}?</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>已接收迁移 {id}：下次同步时这些记录下载到本机。</source>
        <translation>Transfer {id} accepted: the records come to this computer at the next sync.</translation>
    </message>
    <message>
        <source>已拒绝迁移 {id}。</source>
        <translation>Transfer {id} refused.</translation>
    </message>
    <message>
        <source>已撤回迁移申请 {id}。</source>
        <translation>Transfer offer {id} cancelled.</translation>
    </message>
</context>
<context>
    <name>VillageEditor</name>
    <message>
        <source>输入村名或拼音首字母</source>
        <extracomment>Keys typed within this many seconds make one type-ahead search.</extracomment>
        <translation>Type a village name or pinyin initials</translation>
    </message>
</context>
<context>
    <name>VolunteerDetail</name>
    <message>
        <source>结对的特殊家庭</source>
        <translation>Paired special families</translation>
    </message>
</context>
<context>
    <name>Widgets</name>
    <message>
        <source>人员</source>
        <translation>person</translation>
    </message>
    <message>
        <source>{noun}“{name}”</source>
        <translation>{noun} “{name}”</translation>
    </message>
    <message>
        <source>（{detail}）</source>
        <translation> ({detail})</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>确定删除{what}吗？</source>
        <translation>Delete {what}?</translation>
    </message>
    <message>
        <source>删除后 30 天内可在“设置 → 回收站”中恢复，也可以马上按 Ctrl+Z 撤销。删除会在下次同步时通知服务器。</source>
        <translation>It can be restored from Settings → Recycle bin for 30 days, or undone at once with Ctrl+Z. The server learns of the delete at the next sync.</translation>
    </message>
    <message>
        <source>删除{what}</source>
        <translation>delete of {what}</translation>
    </message>
    <message>
        <source>已删除{what}。按 Ctrl+Z 可撤销。</source>
        <translation>Deleted {what}. Ctrl+Z undoes it.</translation>
    </message>
    <message>
        <source>“{name}”</source>
        <translation> “{name}”</translation>
    </message>
    <message>
        <source>已保存{what}。按 Ctrl+Z 可撤销。</source>
        <translation>Saved {what}. Ctrl+Z undoes it.</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>self.indicator</name>
    <message>
        <source>同步 (F9)</source>
        <translation>Sync (F9)</translation>
    </message>
</context>
</TS>
