// The frame loop every animated lab shares, after tensorflow/playground's Player:
// play/pause, step and reset, at most one tick per animation frame. Like distill's
// d-figure it knows when its figure is on screen: a hidden tab or a figure scrolled
// away suspends the loop, and coming back resumes it only if it was playing.
import { reducedMotion } from './dom.js';

const MAX_DT = 0.1; // seconds: a frame after a stall does not jump the animation

export class Player {
  /**
   * el: the element whose visibility gates the loop (the lab's).
   * tick(dt): one frame's work; dt is the seconds since the last tick, at most 0.1.
   * step(), reset(): what Step and Reset do once the loop is paused.
   * start(): work Play does before the first tick (e.g. starting a full trace afresh).
   * reduced(): what Play does instead of animating when the reader asked for less
   *   motion (a few large steps at once); without it Play animates as usual.
   * interval: milliseconds between ticks (0: every frame).
   * onChange(playing): keeps the Play button in step.
   */
  constructor(el, { tick, step, reset, start, reduced, interval = 0, onChange }) {
    Object.assign(this, { tick, onStep: step, onReset: reset, start, reduced, interval, onChange });
    this.playing = false;
    this.raf = 0;
    this.last = 0;
    this.lastTick = -Infinity;
    this.onscreen = true;
    this.frame = (now) => this.run(now);
    this.onVisibility = () => this.resume();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.observer = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => { this.onscreen = entries.at(-1).isIntersecting; this.resume(); })
      : null;
    this.observer?.observe(el);
    // Bound, so they can be handed to buttons as they are.
    this.toggle = () => (this.playing ? this.pause() : this.play());
    this.step = () => { this.pause(); this.onStep?.(); };
    this.reset = () => { this.pause(); this.onReset?.(); };
  }

  get visible() { return this.onscreen && !document.hidden; }

  play() {
    if (this.reduced && reducedMotion()) { this.reduced(); return; }
    this.start?.();
    this.playing = true;
    this.lastTick = -Infinity;
    this.onChange?.(true);
    this.resume();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.suspend();
    this.onChange?.(false);
  }

  /** Starts the loop if it should run and is not running; stops it if it should not. */
  resume() {
    if (!this.playing || !this.visible) { this.suspend(); return; }
    if (this.raf) return;
    this.last = performance.now();
    this.raf = requestAnimationFrame(this.frame);
  }

  suspend() {
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  run(now) {
    this.raf = 0;
    if (!this.playing || !this.visible) return;
    if (now - this.lastTick >= this.interval) {
      const dt = Math.min(MAX_DT, Math.max(0, (now - this.last) / 1000));
      this.last = now;
      this.lastTick = now;
      this.tick(dt);
    }
    if (this.playing && !this.raf) this.raf = requestAnimationFrame(this.frame);
  }

  destroy() {
    this.pause();
    this.observer?.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
  }
}
