// Package dampening implements RFC 2439 route flap damping with the RFC 7196
// parameter set, as pure math and state with an injected clock.
//
// Contract:
//
//   - Every method that depends on time takes it as an argument. The package
//     never reads the wall clock, so tests and replays are deterministic and a
//     test greps the sources to keep it that way.
//   - State is per (peer, prefix, ADD-PATH id): a figure of merit (penalty)
//     valid at the instant of the last penalty event, decaying as
//     p(t) = p0·2^(−(t−t0)/half_life). Nothing is decayed eagerly; every read
//     computes the closed formula.
//   - Only paths with history have state. Whether a path is announced, and
//     with which attribute hash, is the caller's Prior, passed with every
//     Announce and Withdraw (the route server reads it from its route
//     store): a route server would otherwise keep a copy of every announced
//     path here. State is created by the first penalty event and freed when
//     the penalty decays below Reuse/2 without a suppression.
//   - Penalty events: a withdrawal of an announced route (WithdrawalPenalty),
//     an announcement with changed attributes while announced
//     (AttributeChangePenalty), a re-announcement after a withdrawal
//     (ReadvertisementPenalty). The first announcement, an identical
//     re-announcement and a session reset (PeerDown) add nothing: resets are
//     not flaps (FRR behaves the same).
//   - The penalty is capped at Params.Ceiling(), and the reuse time is also
//     capped at last penalty event + MaxSuppress, so no route stays
//     suppressed longer than MaxSuppress after its last flap, whatever the
//     floating-point rounding.
//   - A route is suppressed when a penalty event lifts it to Suppress or
//     above, and released once its penalty decays to Reuse (at ReuseAt).
//     Releases are found lazily: by Tick, which the caller schedules with
//     NextReuse, or by the next event on the same route. Every change of the
//     suppressed state is reported exactly once, as a Transition, except the
//     ones the caller itself asks for (Clear, ClearPeer, switching a peer
//     that was not enforcing to ModeOff).
//   - Modes are per peer with an engine default (ModeObserve unless
//     configured: RFC 7196 §6 "test mode" is the safe default for a route
//     server, where a suppressed path hides a member from every client).
//     Observe computes the same numbers as enforce, but its transitions carry
//     Enforced=false and Status.Suppressed stays false; Status.WouldSuppress
//     says what enforce would do. ModeOff keeps no state for the peer.
//   - Time going backwards never panics and never raises a penalty: each
//     route clamps "now" to its last update.
//   - Save/Load persist the penalties in a versioned JSON document, so a
//     restart does not forgive a flapping route. A Store (store.go) adds
//     crash safety: a checksummed journal of every suppress, release and
//     clear, made durable by Sync before the caller enforces them, and
//     snapshot generations (Compact) that fold it in; penalties between
//     transitions are only as fresh as the last snapshot.
//
// The package never imports GoBGP; routeserver turns transitions into policy
// set changes. Damping must never be applied to iBGP sessions: give such
// peers ModeOff.
package dampening
