import { createContext } from 'react';
import type { Applies } from './apply-timing.ts';

/** When saved sections take effect, as `getSettings` said; null until it has. */
export const AppliesContext = createContext<Applies | null>(null);
