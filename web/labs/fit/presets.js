// The Forward vs reverse KL lab's presets: a target p as (weight, μ, σ) triples
// and the start of the fits. `promise` is what Play shows, checked by the
// browser tests: the mode (index into the components) the reverse fit finds,
// or 'between' when it settles on one wide q across both modes; seekLoses when
// that local minimum of KL(Q‖P) is above the covering fit's KL(Q‖P).

export const presets = [
  {
    id: 'two-modes',
    label: 'Two modes',
    about: 'two equal, well-separated modes: the reverse fit picks the one nearer the start',
    st: { target: [0.5, -3, 0.7, 0.5, 3, 0.9], startMu: -1, startSigma: 0.7 },
    promise: { mode: 0 },
  },
  {
    id: 'unequal',
    label: 'Small mode',
    about: 'a mode with a fifth of the mass, near the start: the reverse fit takes it and ignores the big one',
    st: { target: [0.8, -2, 0.8, 0.2, 3, 0.6], startMu: 1.5, startSigma: 0.7 },
    promise: { mode: 1, seekLoses: true },
  },
  {
    id: 'three-modes',
    label: 'Three modes',
    about: 'three modes: the reverse fit takes one, the forward fit straddles all three',
    st: { target: [0.3, -4, 0.6, 0.4, 0, 0.8, 0.3, 4, 0.6], startMu: 3, startSigma: 0.5 },
    promise: { mode: 2 },
  },
  {
    id: 'close',
    label: 'Close modes',
    about: 'modes four of their σ apart: no one-mode fit is a minimum, so the reverse fit too spans both',
    st: { target: [0.5, -1.2, 0.6, 0.5, 1.2, 0.6], startMu: -1.2, startSigma: 0.6 },
    promise: { between: true },
  },
];
