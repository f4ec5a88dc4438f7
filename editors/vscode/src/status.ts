// The status bar item: whether the server is starting, running or stopped,
// and why it stopped. Clicking it opens the output, where the reason is
// logged in full.

import * as vscode from 'vscode';

export class ServerStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ftls.status', vscode.StatusBarAlignment.Right, 100);

  constructor(showOutputCommand: string) {
    this.item.name = 'ftls';
    this.item.command = showOutputCommand;
    this.item.show();
  }

  starting(): void {
    this.set('$(sync~spin) ftls', 'ftls: starting the language server', undefined);
  }

  running(version: string): void {
    // version is what `ftls version` printed, "ftls 0.4.0": not "ftls: ftls 0.4.0".
    this.set('$(check) ftls', `${version}: running`, undefined);
  }

  stopped(reason?: string): void {
    if (reason) {
      this.set('$(error) ftls', `ftls: stopped: ${reason}`, new vscode.ThemeColor('statusBarItem.errorBackground'));
    } else {
      this.set('$(circle-slash) ftls', 'ftls: stopped', undefined);
    }
  }

  dispose(): void {
    this.item.dispose();
  }

  private set(text: string, tooltip: string, background: vscode.ThemeColor | undefined): void {
    this.item.text = text;
    this.item.tooltip = `${tooltip}\nClick to show the output.`;
    this.item.backgroundColor = background;
  }
}
