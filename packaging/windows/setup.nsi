; amr-setup.exe: the interactive setup for a dealer's technician (NSIS, 64-bit unicode),
; built by scripts/windows/build-setup.mjs. It asks what a technician knows, checks each
; page with amr.exe itself (amr config write --check: the same rules as amr config check),
; installs to %ProgramFiles%\amr, writes config.ini with the one generator the MSI also
; uses (amr config write), closes the data folder, runs the connection test and a first
; discovery and shows both, then registers the task (amr install-task).
;
; Silent (IT, tests):  amr-setup.exe /S /CUSTOMER=ACME-0001 /URL=https://s1.example.net/amr /KEY=...
;   [/AGENTID=] [/PROXY=] [/PROXYUSER=] [/PROXYPASSWORD=] [/COMMUNITIES=] [/TARGETS=] [/ALLOWHTTP=1]
;   [/DATADIR=C:\DriverPrinter] [/REPORT=file: the connection test and discovery, for the caller]
;
; amr.exe's output is captured through a file, never a pipe (a pipe fails under Wine).

Unicode true
Target amd64-unicode
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!include LogicLib.nsh
!include nsDialogs.nsh
!include FileFunc.nsh
!include TextFunc.nsh
!include x64.nsh

!ifndef VERSION
  !define VERSION 0.0.0
!endif
!ifndef SOURCE
  !define SOURCE .
!endif

Name "amr printer monitoring agent ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\amr"
ShowInstDetails show
ShowUninstDetails show

Var Customer
Var AgentId
Var Url
Var Key
Var Proxy
Var ProxyUser
Var ProxyPassword
Var Communities
Var Targets
Var AllowHttp
Var DataDir
Var Report
Var Check
Var Field1
Var Field2
Var Field3
Var Field4

Page custom CollectorPage CollectorLeave
Page custom ProxyPage ProxyLeave
Page custom NetworkPage NetworkLeave
Page instfiles

UninstPage uninstConfirm
UninstPage instfiles

; Run amr.exe with ARGS, its output in $PLUGINSDIR\out.txt; $0 = exit code.
!macro RunAmr EXE ARGS
  ExecWait '"$SYSDIR\cmd.exe" /c ""${EXE}" ${ARGS} > "$PLUGINSDIR\out.txt" 2>&1"' $0
!macroend

; The first line of $PLUGINSDIR\out.txt in $1 (the one-line error amr gives for bad input).
Function FirstLine
  StrCpy $1 ""
  FileOpen $2 "$PLUGINSDIR\out.txt" r
  IfErrors done
  FileRead $2 $1
  FileClose $2
  done:
FunctionEnd

; Every line of $PLUGINSDIR\out.txt into the details window (and the report file when asked).
Function ShowOutput
  FileOpen $2 "$PLUGINSDIR\out.txt" r
  IfErrors done
  loop:
    FileRead $2 $1
    IfErrors close
    ${TrimNewLines} $1 $1
    DetailPrint "  $1"
    Call ReportLine
    Goto loop
  close:
  FileClose $2
  done:
FunctionEnd

; The answers so far as amr config write options.
!macro Answers OUT
  StrCpy ${OUT} '--customer "$Customer" --agent-id "$AgentId" --url "$Url" --agent-key "$Key" --proxy "$Proxy" --proxy-user "$ProxyUser" --proxy-password "$ProxyPassword" --community "$Communities" --targets "$Targets" --allow-http "$AllowHttp"'
!macroend

; Validate the answers with amr.exe; on a problem show amr's line and stay on the page.
Function CheckAnswers
  !insertmacro Answers $Check
  !insertmacro RunAmr "$PLUGINSDIR\amr.exe" 'config write --check $Check'
  ${If} $0 != 0
    Call FirstLine
    Call ReportLine
    MessageBox MB_ICONEXCLAMATION|MB_OK "$1" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

; $1 appended to the /REPORT file, if one was asked for (a silent setup's only voice).
Function ReportLine
  ${If} $Report != ""
    FileOpen $3 $Report a
    FileSeek $3 0 END
    FileWrite $3 "$1$\r$\n"
    FileClose $3
  ${EndIf}
FunctionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "amr needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
  InitPluginsDir
  ; amr.exe (and the package.json it reads its version from) for the page checks.
  SetOutPath "$PLUGINSDIR"
  File "${SOURCE}\amr.exe"
  File "${SOURCE}\package.json"
  StrCpy $DataDir "C:\DriverPrinter"
  StrCpy $Proxy ""
  StrCpy $Communities "public"
  ReadRegStr $0 HKLM "Software\amr" "DataDir"
  ${If} $0 != ""
    StrCpy $DataDir $0
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/CUSTOMER=" $Customer
  ${GetOptions} $R0 "/AGENTID=" $AgentId
  ${GetOptions} $R0 "/URL=" $Url
  ${GetOptions} $R0 "/KEY=" $Key
  ${GetOptions} $R0 "/PROXY=" $Proxy
  ${GetOptions} $R0 "/PROXYUSER=" $ProxyUser
  ${GetOptions} $R0 "/PROXYPASSWORD=" $ProxyPassword
  ${GetOptions} $R0 "/TARGETS=" $Targets
  ${GetOptions} $R0 "/ALLOWHTTP=" $AllowHttp
  ${GetOptions} $R0 "/REPORT=" $Report
  ClearErrors
  ${GetOptions} $R0 "/COMMUNITIES=" $0
  ${IfNot} ${Errors}
    StrCpy $Communities $0
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/DATADIR=" $0
  ${IfNot} ${Errors}
    StrCpy $DataDir $0
  ${EndIf}
  ${If} ${Silent}
    Call CheckAnswers
  ${EndIf}
  ClearErrors
FunctionEnd

; Pages: label, field, label, field... Each Leave reads the fields and checks them.
Function CollectorPage
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 20u "From the dealer: the customer code, the collector's address and the agent key (amr-collector enroll prints them)."
  Pop $0
  ${NSD_CreateLabel} 0 24u 30% 12u "Customer code"
  Pop $0
  ${NSD_CreateText} 32% 22u 68% 12u $Customer
  Pop $Field1
  ${NSD_CreateLabel} 0 42u 30% 12u "Collector URL(s)"
  Pop $0
  ${NSD_CreateText} 32% 40u 68% 12u $Url
  Pop $Field2
  ${NSD_CreateLabel} 0 60u 30% 12u "Agent key"
  Pop $0
  ${NSD_CreatePassword} 32% 58u 68% 12u $Key
  Pop $Field3
  ${NSD_CreateLabel} 0 78u 30% 12u "Agent id (if given)"
  Pop $0
  ${NSD_CreateText} 32% 76u 68% 12u $AgentId
  Pop $Field4
  nsDialogs::Show
FunctionEnd

Function CollectorLeave
  ${NSD_GetText} $Field1 $Customer
  ${NSD_GetText} $Field2 $Url
  ${NSD_GetText} $Field3 $Key
  ${NSD_GetText} $Field4 $AgentId
  Call CheckAnswers
FunctionEnd

Function ProxyPage
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 20u "Only if this PC reaches the Internet through a proxy: its URL (http://host:port), and user and password if it asks for them. Leave empty for none; 'system' uses Windows' setting."
  Pop $0
  ${NSD_CreateLabel} 0 24u 30% 12u "Proxy URL"
  Pop $0
  ${NSD_CreateText} 32% 22u 68% 12u $Proxy
  Pop $Field1
  ${NSD_CreateLabel} 0 42u 30% 12u "Proxy user"
  Pop $0
  ${NSD_CreateText} 32% 40u 68% 12u $ProxyUser
  Pop $Field2
  ${NSD_CreateLabel} 0 60u 30% 12u "Proxy password"
  Pop $0
  ${NSD_CreatePassword} 32% 58u 68% 12u $ProxyPassword
  Pop $Field3
  nsDialogs::Show
FunctionEnd

Function ProxyLeave
  ${NSD_GetText} $Field1 $Proxy
  ${NSD_GetText} $Field2 $ProxyUser
  ${NSD_GetText} $Field3 $ProxyPassword
  Call CheckAnswers
FunctionEnd

Function NetworkPage
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 20u "The printers' SNMP communities (comma-separated, tried in order) and, if the printers are not all on this PC's own subnet, the IP ranges to search."
  Pop $0
  ${NSD_CreateLabel} 0 24u 30% 12u "SNMP communities"
  Pop $0
  ${NSD_CreatePassword} 32% 22u 68% 12u $Communities
  Pop $Field1
  ${NSD_CreateLabel} 0 42u 30% 12u "IP ranges (optional)"
  Pop $0
  ${NSD_CreateText} 32% 40u 68% 12u $Targets
  Pop $Field2
  ${NSD_CreateLabel} 0 58u 100% 20u "e.g. 192.168.1.0/24, 10.10.0.10-10.10.0.50. Empty: this PC's own subnets."
  Pop $0
  nsDialogs::Show
FunctionEnd

Function NetworkLeave
  ${NSD_GetText} $Field1 $Communities
  ${NSD_GetText} $Field2 $Targets
  Call CheckAnswers
FunctionEnd

Section "amr"
  SetRegView 64
  ; An upgrade: end a run in progress before its program is replaced.
  ExecWait '"$SYSDIR\schtasks.exe" /End /TN amr' $0
  SetOutPath "$INSTDIR"
  File "${SOURCE}\amr.exe"
  File "${SOURCE}\package.json"
  ; registry\ (vendor families: classification, SNMP and web profiles) replaced profiles\ of older versions.
  RMDir /r "$INSTDIR\profiles"
  File /r "${SOURCE}\registry"
  File /r "${SOURCE}\dist"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\amr" "DataDir" "$DataDir"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\amr" "DisplayName" "amr printer monitoring agent"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\amr" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\amr" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\amr" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'

  ; The data folder: Administrators and SYSTEM Full, NETWORK SERVICE (the task's account) Modify,
  ; nobody else; as src/platform/acl.ts secureCommands (SIDs: any Windows language).
  CreateDirectory "$DataDir"
  ExecWait '"$SYSDIR\icacls.exe" "$DataDir" /reset /T /C /Q' $0
  ExecWait '"$SYSDIR\icacls.exe" "$DataDir" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-20:(OI)(CI)M /Q' $0
  DetailPrint "data folder $DataDir closed to Administrators, SYSTEM and NETWORK SERVICE (icacls exit $0)"

  !insertmacro Answers $Check
  !insertmacro RunAmr "$INSTDIR\amr.exe" 'config write $Check -o "$DataDir\config.ini"'
  ${If} $0 != 0
    Call FirstLine
    Call ReportLine
    MessageBox MB_ICONSTOP|MB_OK "config.ini could not be written: $1" /SD IDOK
    Abort
  ${EndIf}
  DetailPrint "config.ini written to $DataDir"

  DetailPrint "Connection test (amr send --dry-run):"
  !insertmacro RunAmr "$INSTDIR\amr.exe" 'send --dry-run --config "$DataDir\config.ini"'
  StrCpy $R1 $0
  Call ShowOutput
  ${If} $R1 != 0
    MessageBox MB_ICONEXCLAMATION|MB_OK "The collector could not be reached; the report above says what to ask the customer's IT. amr keeps the readings and sends them once it can." /SD IDOK
  ${EndIf}

  DetailPrint "First discovery (amr discover):"
  !insertmacro RunAmr "$INSTDIR\amr.exe" 'discover --config "$DataDir\config.ini"'
  Call ShowOutput

  !insertmacro RunAmr "$INSTDIR\amr.exe" 'install-task --config "$DataDir\config.ini"'
  StrCpy $R1 $0
  Call ShowOutput
  ${If} $R1 != 0
    MessageBox MB_ICONSTOP|MB_OK "The scheduled task could not be registered (see above)." /SD IDOK
    Abort
  ${EndIf}
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  ExecWait '"$SYSDIR\schtasks.exe" /End /TN amr' $0
  InitPluginsDir
  !insertmacro RunAmr "$INSTDIR\amr.exe" 'uninstall-task'
  Delete "$INSTDIR\amr.exe"
  Delete "$INSTDIR\package.json"
  Delete "$INSTDIR\uninstall.exe"
  RMDir /r "$INSTDIR\registry"
  RMDir /r "$INSTDIR\profiles"
  RMDir /r "$INSTDIR\dist"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\amr"
  DetailPrint "The data folder (config.ini, inventory, spool) is kept; delete it by hand if this PC is retired."
SectionEnd
