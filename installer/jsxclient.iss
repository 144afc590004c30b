; Inno Setup script of the jsxclient desktop client (计生协数据采集).
;
; Build it with installer/build.py on Windows (it passes the version and the bundle
; folder), or by hand after the PyInstaller build:
;
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\jsxclient.iss
;   ISCC /DAppVersion=0.1.0 /DDistDir=C:\path\to\dist\jsxclient installer\jsxclient.iss
;
; Installs for the current user by default (no administrator rights, which township
; office PCs often do not grant) into %LOCALAPPDATA%\Programs\jsxclient; the first
; dialog offers "for all users" (Program Files, needs an administrator). The user's data
; is never under the install folder: it is in %LOCALAPPDATA%\hnjsx\jsxclient (the
; platformdirs user data dir of app "jsxclient", author "hnjsx"), and the uninstaller
; leaves it alone and says where it is.
;
; Encoding: UTF-8 with BOM (keep the BOM: without it ISCC reads the Chinese as ANSI).

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible, per-user {autopf} installs)
#endif

#define AppName "计生协数据采集"
#define AppPublisher "湖南省计划生育协会"
; The version comes from pyproject.toml: build.py passes /DAppVersion=...; this default
; is for builds by hand and is kept equal to pyproject's (tests/installer checks it).
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
; The PyInstaller bundle (relative paths are relative to this script's folder).
#ifndef DistDir
  #define DistDir ".build\dist\jsxclient"
#endif
#ifndef OutputDir
  #define OutputDir ".build\output"
#endif
#define AppExe "jsxclient.exe"
#define DataDir "{localappdata}\hnjsx\jsxclient"

; Chinese messages: Inno Setup's own translation when this Inno Setup has it (official
; from 6.5; earlier it is an unofficial download, which can be dropped next to this
; script as ChineseSimplified.isl), else our minimal zh-fallback.isl on top of the
; English defaults (untranslated screens then show English).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ZhMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ZhMessages "ChineseSimplified.isl"
#else
  #pragma message "ChineseSimplified.isl not found: using zh-fallback.isl (partly English)"
  #define ZhMessages "compiler:Default.isl,zh-fallback.isl"
#endif

[Setup]
; Fixed for ever: it is how Windows knows an update from a second program.
AppId={{EABCDAC6-C5C6-449B-A0FE-C3C42171C0D4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright={#AppPublisher}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序 / installer
DefaultDirName={autopf}\jsxclient
DisableProgramGroupPage=yes
; Per-user by default; the first dialog (or /ALLUSERS on the command line) switches
; to an all-users install.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; PySide6 (Qt 6) runs on 64-bit Windows 10 and newer only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=jsxclient-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage
CloseApplications=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupLogging=yes
#ifdef SetupIcon
SetupIconFile={#SetupIcon}
#endif
; Code signing (recommended: unsigned programs alarm antivirus software): define the
; sign tool in the IDE (Tools > Configure Sign Tools) and pass /DSignTool=NAME.
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
; The first entry is the default when the Windows UI language matches neither.
Name: "zh"; MessagesFile: "{#ZhMessages}"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh.AppComment=乡镇计生协数据采集（离线录入，联网同步）
en.AppComment=Township data entry of the Family Planning Association (offline, synced)
zh.DataKept=程序已卸载，但您录入的数据没有删除，仍保存在：%n%n%1%n%n（其中 jsxclient.db 是数据库文件。）%n%n如需备份：把这个文件夹整个复制到 U 盘或其他安全位置。重新安装本程序后会继续使用这里的数据。%n%n如确定不再需要这些数据（请先确认已全部同步到省平台），可以手动删除这个文件夹。
en.DataKept=The program has been removed, but your data has not: it is still in%n%n%1%n%n(jsxclient.db is the database).%n%nTo back it up, copy the whole folder to a USB drive or another safe place. Reinstalling the program picks the data up again.%n%nIf you are sure you no longer need the data (check first that everything has been synced to the provincial server), delete the folder by hand.
zh.DataKeptAllUsers=每位用户的数据保存在各自的 %LOCALAPPDATA%\hnjsx\jsxclient 文件夹中，卸载不会删除。
en.DataKeptAllUsers=Each user's data stays in that user's %LOCALAPPDATA%\hnjsx\jsxclient folder.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the bundled Python and Qt libraries as a whole, so no file of an
; older version lingers. (User data is never here.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the data directory, on purpose: uninstalling (or updating
; through an uninstall) must never lose records that have not been synced yet.

[Code]
function DataDir(): String;
begin
  Result := ExpandConstant('{#DataDir}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Text: String;
begin
  if (CurUninstallStep <> usPostUninstall) or UninstallSilent() then
    Exit;
  if not DirExists(DataDir()) and not IsAdminInstallMode() then
    Exit;
  Text := FmtMessage(CustomMessage('DataKept'), [DataDir()]);
  if IsAdminInstallMode() then
    Text := Text + #13#10#13#10 + CustomMessage('DataKeptAllUsers');
  StringChangeEx(Text, '%n', #13#10, True);
  MsgBox(Text, mbInformation, MB_OK);
end;
