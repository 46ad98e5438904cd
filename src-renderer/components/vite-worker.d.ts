// Vite's `?worker` imports (used for Monaco's editor worker): the default export constructs it.
declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
