import { defineConfig } from "vitest/config";

// The window loads the built files from ui/dist (tauri.conf.json `frontendDist`);
// `npm run dev` serves them on 127.0.0.1 only, for `devUrl`.
export default defineConfig({
  clearScreen: false,
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "safari15", sourcemap: false },
  // css: the contrast test reads style.css as text (?raw), which needs CSS processed.
  test: { environment: "node", include: ["src/**/*.test.ts"], css: { include: /style\.css/ } },
});
