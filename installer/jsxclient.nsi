; NSIS script of the jsxclient installer (计生协数据采集), compiled by installer/build.py
; with makensis (NSIS 3, on Windows or, in CI, Debian's `nsis` package):
;
;   makensis -DVERSION=0.2.0 -DVERSION_QUAD=0.2.0.0 -DDIST_DIR=<bundle> -DOUT_FILE=<exe> jsxclient.nsi
;
; Relative paths are relative to this folder (makensis works in the script's folder).
;
; * Installs for the current user, without administrator rights, into
;   %LOCALAPPDATA%\Programs\jsxclient; Start-menu and desktop shortcuts; registered
;   under Settings > Apps (HKCU). Township office PCs often grant no admin rights.
; * Chinese or English, from the Windows display language (Chinese otherwise).
; * Updating: run the newer installer. It closes a running client (asking first), replaces
;   the program folder and never touches the data.
; * The data is not in the program folder: it is in %LOCALAPPDATA%\hnjsx\jsxclient (the
;   platformdirs user data dir of app "jsxclient", author "hnjsx"). Uninstalling keeps
;   it unless the worker ticks "also remove my data" (and confirms).
; * For IT staff: setup.exe /S (silent), /D=C:\path (install folder; last, unquoted),
;   /NODESKTOP (no desktop shortcut); uninstall.exe /S keeps the data.
;
; Encoding: UTF-8 with BOM (keep the BOM: without it makensis reads the Chinese as ANSI).

Unicode true
ManifestDPIAware true
ManifestSupportedOS all
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include WinVer.nsh
!include x64.nsh
!include nsDialogs.nsh

; --- what is built ----------------------------------------------------------------------
; The version comes from pyproject.toml through build.py; these defaults are for builds by
; hand and are kept equal to pyproject's (tests/installer checks it).
!ifndef VERSION
  !define VERSION "0.2.0"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "0.2.0.0"
!endif
; The PyInstaller bundle (one folder: the two executables and _internal\).
!ifndef DIST_DIR
  !define DIST_DIR ".build\dist\jsxclient"
!endif
!ifndef OUT_FILE
  !define OUT_FILE ".build\output\jsxclient-setup-${VERSION}.exe"
!endif
!ifndef ICON
  !define ICON "..\src\jsxclient\resources\icons\jsxclient.ico"
!endif

!define APP_NAME "计生协数据采集"
!define APP_PUBLISHER "湖南省计划生育协会"
!define APP_EXE "jsxclient.exe"
!define CLI_EXE "jsxclient-cli.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\jsxclient"
; The user's data, relative to $LOCALAPPDATA (jsxclient.store.db: APP_AUTHOR\APP_NAME).
!define DATA_PARENT "hnjsx"
!define DATA_SUBDIR "hnjsx\jsxclient"

; Code signing: -DSIGN_CMD="signtool sign /fd sha256 /tr URL /td sha256" signs the
; uninstaller when it is written and the installer when it is finished.
!ifdef SIGN_CMD
  !uninstfinalize '${SIGN_CMD} "%1"' = 0
  !finalize '${SIGN_CMD} "%1"' = 0
!endif

!if /FileExists "${DIST_DIR}\${APP_EXE}"
!else
  !error "no ${APP_EXE} in ${DIST_DIR}: build the bundle first (installer/build.py)"
!endif

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\jsxclient"
; An update goes where the installed version is (unless /D= says otherwise).
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${APP_PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} 安装程序 / installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${APP_PUBLISHER}"

; --- pages ------------------------------------------------------------------------------
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the one used when Windows speaks neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString SecProgram ${LANG_SIMPCHINESE} "程序（必需）"
LangString SecProgram ${LANG_ENGLISH} "Program (required)"
LangString SecDesktop ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString AppComment ${LANG_SIMPCHINESE} "乡镇计生协数据采集（离线录入，联网同步）"
LangString AppComment ${LANG_ENGLISH} "Township data entry of the Family Planning Association"
LangString NeedWin10 ${LANG_SIMPCHINESE} "本程序需要 64 位的 Windows 10 或更新版本。"
LangString NeedWin10 ${LANG_ENGLISH} "This program needs 64-bit Windows 10 or newer."
LangString AppRunning ${LANG_SIMPCHINESE} "计生协数据采集正在运行。$\r$\n$\r$\n请先保存正在录入的内容，然后点“确定”关闭它并继续；点“取消”退出安装。已保存的数据不受影响。"
LangString AppRunning ${LANG_ENGLISH} "The program is running.$\r$\n$\r$\nSave what you are entering, then click OK to close it and continue, or Cancel to stop. Saved data is not affected."
LangString AppStillRunning ${LANG_SIMPCHINESE} "无法关闭正在运行的计生协数据采集（可能正在同步）。请关闭它后再运行安装程序。"
LangString AppStillRunning ${LANG_ENGLISH} "The running program could not be closed (it may be syncing). Close it, then run the installer again."
LangString DataTitle ${LANG_SIMPCHINESE} "您的数据"
LangString DataTitle ${LANG_ENGLISH} "Your data"
LangString DataSubtitle ${LANG_SIMPCHINESE} "卸载程序不会删除您录入的数据"
LangString DataSubtitle ${LANG_ENGLISH} "Uninstalling does not delete the data you entered"
LangString DataText ${LANG_SIMPCHINESE} "您录入的数据保存在：$\r$\n$LOCALAPPDATA\${DATA_SUBDIR}$\r$\n$\r$\n卸载只删除程序，数据会保留；重新安装后会继续使用这些数据。如需备份，把这个文件夹整个复制到 U 盘。"
LangString DataText ${LANG_ENGLISH} "The data you entered is in$\r$\n$LOCALAPPDATA\${DATA_SUBDIR}$\r$\n$\r$\nUninstalling removes the program only and keeps the data; a new installation uses it again. To back it up, copy the whole folder to a USB drive."
LangString RemoveData ${LANG_SIMPCHINESE} "同时删除我的数据（无法恢复）"
LangString RemoveData ${LANG_ENGLISH} "Also remove my data (cannot be undone)"
LangString RemoveDataConfirm ${LANG_SIMPCHINESE} "确定要永久删除这台电脑上的全部计生协数据吗？$\r$\n$\r$\n尚未同步到省平台的记录将永远丢失。"
LangString RemoveDataConfirm ${LANG_ENGLISH} "Permanently delete all of the program's data on this computer?$\r$\n$\r$\nRecords not yet synced to the provincial server will be lost for ever."

; --- closing a running client -----------------------------------------------------------
Var Running
Var RemoveData
Var RemoveDataBox

; $Running = 1 when FILE is in use. A running executable cannot be opened for writing,
; which catches the desktop app and a scheduled `jsxclient-cli sync` alike.
!macro IsRunning FILE
  StrCpy $Running 0
  ${If} ${FileExists} "${FILE}"
    ClearErrors
    FileOpen $R9 "${FILE}" a
    ${If} ${Errors}
      StrCpy $Running 1
    ${Else}
      FileClose $R9
    ${EndIf}
  ${EndIf}
!macroend

; Ask (unless silent), close the app politely (WM_CLOSE: it saves its window state), give
; a sync up to a minute to finish, then end it: a sync commits whole batches, so an end
; mid-way loses nothing. Aborts when nothing helps.
!macro CloseRunning UN
Function ${UN}CloseRunning
  !insertmacro IsRunning "$INSTDIR\${APP_EXE}"
  StrCpy $R8 $Running
  !insertmacro IsRunning "$INSTDIR\${CLI_EXE}"
  ${If} $R8 == 0
  ${AndIf} $Running == 0
    Return
  ${EndIf}
  ${If} ${Cmd} `MessageBox MB_OKCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDOK IDCANCEL`
    Abort
  ${EndIf}
  ReadEnvStr $R7 USERNAME
  nsExec::Exec '"$SYSDIR\taskkill.exe" /FI "USERNAME eq $R7" /IM ${APP_EXE}'
  Pop $R6
  StrCpy $R5 0
  ${Do}
    Sleep 500
    IntOp $R5 $R5 + 1
    !insertmacro IsRunning "$INSTDIR\${APP_EXE}"
    StrCpy $R8 $Running
    !insertmacro IsRunning "$INSTDIR\${CLI_EXE}"
    ${If} $R8 == 0
    ${AndIf} $Running == 0
      Return
    ${EndIf}
    ${If} $R5 == 20
      nsExec::Exec '"$SYSDIR\taskkill.exe" /F /FI "USERNAME eq $R7" /IM ${APP_EXE}'
      Pop $R6
    ${EndIf}
  ${LoopUntil} $R5 >= 120
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /FI "USERNAME eq $R7" /IM ${CLI_EXE}'
  Pop $R6
  Sleep 1000
  !insertmacro IsRunning "$INSTDIR\${APP_EXE}"
  StrCpy $R8 $Running
  !insertmacro IsRunning "$INSTDIR\${CLI_EXE}"
  ${If} $R8 == 1
  ${OrIf} $Running == 1
    MessageBox MB_ICONSTOP "$(AppStillRunning)" /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
FunctionEnd
!macroend
!insertmacro CloseRunning ""
!insertmacro CloseRunning "un."

; --- install ----------------------------------------------------------------------------
Section "$(SecProgram)" SecProgram
  SectionIn RO
  Call CloseRunning
  SetOutPath "$INSTDIR"
  ; The bundled Python and Qt are replaced as a whole, so no file of an older version
  ; lingers. The user's data is never in this folder.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "$(AppComment)"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecDesktop)" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "$(AppComment)"
SectionEnd

Section "-desktop shortcut off"
  ; An update without the desktop shortcut removes the one an earlier install made.
  ${IfNot} ${SectionIsSelected} ${SecDesktop}
    Delete "$DESKTOP\${APP_NAME}.lnk"
  ${EndIf}
SectionEnd

; (after the sections: it names one)
Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "$(NeedWin10)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecDesktop}
  ${EndIf}
FunctionEnd

; --- uninstall --------------------------------------------------------------------------
Function un.onInit
  StrCpy $RemoveData ${BST_UNCHECKED}
FunctionEnd

; Says where the data is and that it stays; the one way to remove it is this box, ticked
; and confirmed (never in a silent uninstall, which skips pages).
Function un.DataPage
  ${IfNot} ${FileExists} "$LOCALAPPDATA\${DATA_SUBDIR}\*.*"
    Abort  ; no data on this account: nothing to ask
  ${EndIf}
  !insertmacro MUI_HEADER_TEXT "$(DataTitle)" "$(DataSubtitle)"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 60% "$(DataText)"
  Pop $0
  ${NSD_CreateCheckbox} 0 70% 100% 12u "$(RemoveData)"
  Pop $RemoveDataBox
  ${NSD_SetState} $RemoveDataBox $RemoveData
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $RemoveDataBox $RemoveData
  ${If} $RemoveData == ${BST_CHECKED}
  ${AndIf} ${Cmd} `MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(RemoveDataConfirm)" IDNO`
    StrCpy $RemoveData ${BST_UNCHECKED}
    ${NSD_SetState} $RemoveDataBox ${BST_UNCHECKED}
    Abort  ; stay on the page, box cleared
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Call un.CloseRunning
  ; Only what the installer put there: /D= may have named a folder with other files.
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ${If} $RemoveData == ${BST_CHECKED}
    RMDir /r "$LOCALAPPDATA\${DATA_SUBDIR}"
    RMDir "$LOCALAPPDATA\${DATA_PARENT}"
  ${EndIf}
SectionEnd
