; Inno Setup script for sp_desktop (optional; see build_spec/README.md).
; Build dist\sp_desktop first with PyInstaller, then:  ISCC.exe build_spec\installer.iss

#define AppName "sp_desktop"
#define AppVersion "0.1.0"
#define AppPublisher "sp_desktop"

[Setup]
AppId={{6E0C2B51-4F6C-4E8B-9A7E-5D2F1C3B8A10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=sp_desktop-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
UninstallDisplayIcon={app}\sp_desktop.exe

[Files]
Source: "..\dist\sp_desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\sp_desktop"; Filename: "{app}\sp_desktop.exe"
Name: "{group}\sp_desktop (demo directory)"; Filename: "{app}\sp_desktop.exe"; Parameters: "--demo"
Name: "{group}\Uninstall sp_desktop"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\sp_desktop-cli.exe"; Parameters: "selftest"; Flags: runhidden; StatusMsg: "Checking the installation..."
Filename: "{app}\sp_desktop.exe"; Description: "Start sp_desktop"; Flags: nowait postinstall skipifsilent
