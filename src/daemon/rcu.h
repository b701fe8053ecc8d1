/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deferred freeing for what the handler threads read without locks (the
 * policy): quiescent-state-based reclamation, the simplest form of RCU.
 *
 * The main thread publishes a new object with an atomic store and hands the
 * old one to rcu_defer(). Each handler thread says, between batches, that
 * it holds no pointer it read before (rcu_quiesce), and that it holds none
 * at all while it sleeps in epoll_wait (rcu_offline). Once every thread has
 * been quiescent or offline after the rcu_defer(), no thread can still see
 * the old object, and rcu_reclaim() frees it.
 *
 * Readers never wait and never lock; the writer never blocks either: it only
 * learns later that a grace period has passed (rcu_passed, rcu_reclaim).
 * Readers are registered by the main thread before their threads start.
 */
#ifndef CTFLOWD_RCU_H
#define CTFLOWD_RCU_H

#include <stdbool.h>
#include <stdint.h>

struct rcu;
struct rcu_reader;

struct rcu *rcu_new(void);
/* Runs every pending callback: call only when no reader thread runs. */
void rcu_free(struct rcu *rcu);
/* A reader for one thread, offline until its first rcu_online(). */
struct rcu_reader *rcu_reader_new(struct rcu *rcu);
/* Unregister (after the thread has stopped). */
void rcu_reader_free(struct rcu_reader *r);

/* ---- reader threads ---- */
/* About to read shared pointers (after a sleep). */
void rcu_online(struct rcu_reader *r);
/* Pointers read so far are no longer used. */
void rcu_quiesce(struct rcu_reader *r);
/* About to sleep: holds no shared pointer. */
void rcu_offline(struct rcu_reader *r);

/* ---- the main thread ---- */
/*
 * Call @fn(@arg) once every reader has been quiescent after now. Returns
 * the grace period's number for rcu_passed().
 */
uint64_t rcu_defer(struct rcu *rcu, void (*fn)(void *), void *arg);
/* A grace period to wait for, with nothing to free. */
uint64_t rcu_mark(struct rcu *rcu);
/* Has every reader been quiescent since grace period @gen began? */
bool rcu_passed(const struct rcu *rcu, uint64_t gen);
/* Run the callbacks whose grace period has passed. Returns how many are left. */
unsigned rcu_reclaim(struct rcu *rcu);

#endif
