; Minimal Simplified Chinese messages for the jsxclient installer.
;
; Used only when the Inno Setup on the build machine has no ChineseSimplified.isl
; (official from Inno Setup 6.5 on; an unofficial translation before that). It is
; loaded after compiler:Default.isl, so every message not translated here stays in
; English. Only message names present in every Inno Setup 6 version are used.
; Encoding: UTF-8 with BOM (keep the BOM: without it ISCC reads the file as ANSI).

[LangOptions]
LanguageName=简体中文
LanguageID=$0804
LanguageCodePage=936

[Messages]
SetupAppTitle=安装
SetupWindowTitle=安装 - %1
UninstallAppTitle=卸载
UninstallAppFullTitle=卸载 %1
InformationTitle=提示
ConfirmTitle=确认
ErrorTitle=错误
SetupAppRunningError=%1 正在运行。%n%n请先关闭它，然后点击“确定”继续，或点击“取消”退出。
UninstallAppRunningError=%1 正在运行。%n%n请先关闭它，然后点击“确定”继续，或点击“取消”退出。
PrivilegesRequiredOverrideInstruction=选择安装方式
PrivilegesRequiredOverrideAllUsers=为本机所有用户安装(&A)
PrivilegesRequiredOverrideCurrentUser=只为我安装(&M)
ExitSetupTitle=退出安装
ExitSetupMessage=安装尚未完成。现在退出，程序将不会被安装。%n%n以后可以再次运行安装程序完成安装。%n%n确定退出吗？
ButtonBack=< 上一步(&B)
ButtonNext=下一步(&N) >
ButtonInstall=安装(&I)
ButtonOK=确定
ButtonCancel=取消
ButtonYes=是(&Y)
ButtonYesToAll=全部是(&A)
ButtonNo=否(&N)
ButtonNoToAll=全部否(&O)
ButtonFinish=完成(&F)
ButtonBrowse=浏览(&B)...
ButtonWizardBrowse=浏览(&R)...
ButtonNewFolder=新建文件夹(&M)
SelectLanguageTitle=选择安装语言
SelectLanguageLabel=请选择安装过程中使用的语言：
ClickNext=点击“下一步”继续，或点击“取消”退出安装。
BrowseDialogTitle=选择文件夹
BrowseDialogLabel=在下面的列表中选择一个文件夹，然后点击“确定”。
NewFolderName=新建文件夹
WelcomeLabel1=欢迎安装 [name]
WelcomeLabel2=将在本机安装 [name/ver]。%n%n建议先关闭其他正在运行的程序。
WizardSelectDir=选择安装位置
SelectDirDesc=要把 [name] 安装到哪里？
SelectDirLabel3=[name] 将安装到下面的文件夹。
SelectDirBrowseLabel=点击“下一步”继续。如需换一个文件夹，请点击“浏览”。
DiskSpaceMBLabel=至少需要 [mb] MB 可用磁盘空间。
DirExistsTitle=文件夹已存在
DirExists=文件夹%n%n%1%n%n已经存在。仍然安装到这个文件夹吗？
DirDoesntExistTitle=文件夹不存在
DirDoesntExist=文件夹%n%n%1%n%n不存在。要新建这个文件夹吗？
WizardSelectTasks=选择附加任务
SelectTasksDesc=还需要做哪些事？
SelectTasksLabel2=请选择安装 [name] 时要执行的附加任务，然后点击“下一步”。
WizardSelectProgramGroup=选择开始菜单文件夹
SelectStartMenuFolderDesc=要把快捷方式放在哪里？
SelectStartMenuFolderLabel3=将在下面的开始菜单文件夹中创建快捷方式。
SelectStartMenuFolderBrowseLabel=点击“下一步”继续。如需换一个文件夹，请点击“浏览”。
WizardReady=准备安装
ReadyLabel1=已准备好在本机安装 [name]。
ReadyLabel2a=点击“安装”开始安装；如需修改设置，请点击“上一步”。
ReadyLabel2b=点击“安装”开始安装。
ReadyMemoDir=安装位置：
ReadyMemoGroup=开始菜单文件夹：
ReadyMemoTasks=附加任务：
WizardPreparing=正在准备安装
PreparingDesc=正在准备在本机安装 [name]。
CannotContinue=安装无法继续。请点击“取消”退出。
ApplicationsFound=下列程序正在使用需要更新的文件。建议让安装程序自动关闭它们。
ApplicationsFound2=下列程序正在使用需要更新的文件。建议让安装程序自动关闭它们；安装完成后会尝试重新启动它们。
CloseApplications=自动关闭这些程序(&A)
DontCloseApplications=不关闭这些程序(&D)
WizardInstalling=正在安装
InstallingLabel=正在本机安装 [name]，请稍候。
FinishedHeadingLabel=[name] 安装完成
FinishedLabelNoIcons=[name] 已安装到本机。
FinishedLabel=[name] 已安装到本机。可以通过创建的快捷方式启动它。
ClickFinish=点击“完成”退出安装。
RunEntryExec=运行 %1
SetupAborted=安装没有完成。%n%n请解决问题后重新运行安装程序。
StatusClosingApplications=正在关闭程序...
StatusCreateDirs=正在创建文件夹...
StatusExtractFiles=正在复制文件...
StatusCreateIcons=正在创建快捷方式...
StatusSavingUninstall=正在保存卸载信息...
StatusRunProgram=正在完成安装...
StatusRollback=正在撤销更改...
ConfirmUninstall=确定要卸载 %1 吗？
UninstallStatusLabel=正在从本机卸载 %1，请稍候。
UninstalledAll=%1 已从本机卸载。
UninstalledMost=%1 已卸载。%n%n有些内容未能删除，可以手动删除。
WizardUninstalling=卸载
StatusUninstalling=正在卸载 %1...

[CustomMessages]
NameAndVersion=%1 版本 %2
AdditionalIcons=附加快捷方式：
CreateDesktopIcon=创建桌面快捷方式(&D)
UninstallProgram=卸载 %1
LaunchProgram=运行 %1
