// Imported first by the bench page: marks the stretch from an animation-frame callback to the
// frame's paint, so a measurement can tell whether a DOM change will be painted by the frame now
// being built (then a task queued now runs after that paint) or only by the next one.
// (MutationObserver callbacks run as microtasks once a frame callback returns, so "inside the
// callback" alone would miss changes made by the page's own frame callbacks, Monaco's included.)
const native = window.requestAnimationFrame.bind(window);
let frameOpen = false;

window.requestAnimationFrame = (callback: FrameRequestCallback): number =>
  native((time) => {
    if (!frameOpen) {
      frameOpen = true;
      // Tasks run after the frame's rendering: this one closes the stretch.
      setTimeout(() => {
        frameOpen = false;
      });
    }
    callback(time);
  });

/** Resolves with performance.now() once the frame that shows the current DOM has been painted. */
export function afterPaint(): Promise<number> {
  return new Promise((resolve) => {
    const done = () => setTimeout(() => resolve(performance.now()));
    if (frameOpen) done();
    else native(done);
  });
}
