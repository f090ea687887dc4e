//
// CommitQueue.h — group commit: many small write transactions share one
// database commit.
//
// A single connection commits only ~2,000 transactions/s on PostgreSQL (each
// commit waits for the WAL flush), far below what trade placement needs. Ops
// submitted here are run by one writer thread in batches: BEGIN, op1, op2, ...,
// COMMIT, and each caller is released after the commit that made its op durable.
//
// Contract for ops: an op is a function of the database state only (it may be
// run twice); it reports its outcome through its own captured state, assigned
// (not appended) on each run; a refused op (insufficient funds, duplicate) must
// leave nothing behind (undoing, in the same transaction, what it wrote before
// it knew). If an op throws, the batch is rolled back and every
// op of it is run again in a transaction of its own, so one bad op never takes
// others down; the thrower's caller gets the exception. Thread-safe.
//
// The writer keeps one connection (a PreparedSession) for its life, so the
// statements ops run are prepared once; after any database error it is
// replaced by a fresh one.
//
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace bourse {

class Database;
class Metrics;
class Histogram;
class Counter;
class PreparedSession;

class CommitQueue {
public:
    using Op = std::function<void(PreparedSession&)>;

    CommitQueue(Database& db, Metrics& metrics, std::size_t maxBatch = 512);
    ~CommitQueue();
    CommitQueue(const CommitQueue&) = delete;
    CommitQueue& operator=(const CommitQueue&) = delete;

    /// Runs op in a shared transaction and returns once it is committed.
    /// Rethrows the op's exception (its writes are rolled back).
    void run(Op op);
    /// Queues op; the future completes at its commit (or carries its exception).
    std::future<void> submit(Op op);

    void stop();

private:
    struct Pending {
        Op op;
        std::promise<void> done;
    };
    void work();
    void commitBatch(std::deque<Pending>& batch);
    /// Runs ops in one transaction on the writer connection; on failure rolls
    /// back, drops the connection and rethrows.
    void runInTransaction(const std::function<void(PreparedSession&)>& body);

    Database& _db;
    Histogram& _batchSeconds;
    Counter& _commits;
    const std::size_t _maxBatch;
    std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<Pending> _queue;
    bool _stopping = false;
    std::unique_ptr<PreparedSession> _writer;  // the worker thread's alone
    std::thread _worker;
};

}  // namespace bourse
