/** Every shortcut of the dashboard, as the sheet lists them. */
export const SHORTCUTS: { keys: string[][]; what: string }[] = [
  { keys: [['/']], what: 'Search' },
  { keys: [['g', 'o']], what: 'Go to Overview' },
  { keys: [['g', 'a']], what: 'Go to Active runs' },
  { keys: [['g', 's']], what: 'Go to Stalls' },
  { keys: [['g', 'l']], what: 'Go to Alerts' },
  { keys: [['g', 'f']], what: 'Go to Finished' },
  { keys: [['g', 'p']], what: 'Go to Pipelines' },
  { keys: [['g', ',']], what: 'Go to Settings' },
  { keys: [['↑'], ['↓']], what: 'Previous or next run in a list' },
  { keys: [['Page Up'], ['Page Down']], what: 'A page up or down a list' },
  { keys: [['Home'], ['End']], what: 'First or last run in a list' },
  { keys: [['Enter']], what: 'Open the run' },
  { keys: [['?']], what: 'Show these shortcuts' },
  { keys: [['Esc']], what: 'Close them' },
];
