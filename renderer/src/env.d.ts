/** Vite bundles imported stylesheets into the page's CSS. */
declare module '*.css';
