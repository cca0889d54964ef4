#!/usr/bin/env python3
"""The pace-matching workload of scenarios/01_pace_matching.ron as a bare SimPy model.

Three producers at 10, 20 and 30 msg/s (Poisson arrivals) feed one queue; one server takes
messages one at a time with an exponential service time of mean 66 ms (15 msg/s). No
brokers, partitions, replication, acks or fetches: the queueing skeleton only, which
`brokerlab bench --pace` is compared with. Prints messages per second of wall time
(messages produced / wall), as `brokerlab bench --pace` does.

    pip install -r bench/requirements.txt
    python3 bench/simpy_pace.py              # one simulated hour: about 216 k messages

--queue picks how the queue is written; the default is the fastest of the three here:
  deque      a collections.deque and one event that wakes the idle server (default)
  container  a simpy.Container holding a count of waiting messages
  store      a simpy.Store holding the messages (its get is list.pop(0): linear in the
             backlog, which reaches ~160 k messages in the hour)
--fixed uses what scenario 01 literally has: evenly spaced sends and a fixed 66 ms.
"""

import argparse
import collections
import platform
import random
import sys
import time

import simpy

RATES = (10, 20, 30)  # msg/s: s1, s2, s3
SERVICE_S = 0.066  # the notifier's process_time


class DequeQueue:
    """Messages in a deque; the server waits on an event only while the deque is empty."""

    def __init__(self, env):
        self.env = env
        self.items = collections.deque()
        self.waiting = None

    def put(self, msg):
        self.items.append(msg)
        if self.waiting is not None:
            self.waiting.succeed()
            self.waiting = None


def producer(env, queue, kind, rate, draw, produced):
    while True:
        yield env.timeout(draw(1.0 / rate))
        produced[0] += 1
        queue.put(1 if kind == "container" else produced[0])


def server(env, queue, kind, draw, consumed):
    while True:
        if kind == "deque":
            while not queue.items:
                queue.waiting = env.event()
                yield queue.waiting
            queue.items.popleft()
        elif kind == "container":
            yield queue.get(1)
        else:
            yield queue.get()
        yield env.timeout(draw(SERVICE_S))
        consumed[0] += 1


def run(duration_s, seed, fixed, kind):
    rng = random.Random(seed)
    draw = (lambda mean: mean) if fixed else (lambda mean: rng.expovariate(1.0 / mean))
    env = simpy.Environment()
    queue = {"deque": DequeQueue, "container": simpy.Container, "store": simpy.Store}[kind](env)
    produced, consumed = [0], [0]
    for rate in RATES:
        env.process(producer(env, queue, kind, rate, draw, produced))
    env.process(server(env, queue, kind, draw, consumed))
    start = time.perf_counter()
    env.run(until=duration_s)
    wall = time.perf_counter() - start
    return produced[0], consumed[0], wall


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=3600.0, help="simulated seconds (default 3600)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--fixed", action="store_true", help="evenly spaced sends and a fixed 66 ms service")
    p.add_argument("--queue", choices=("deque", "container", "store"), default="deque")
    a = p.parse_args(argv)
    if a.duration <= 0:
        p.error("--duration must be positive")
    produced, consumed, wall = run(a.duration, a.seed, a.fixed, a.queue)
    arrivals = "fixed" if a.fixed else "poisson"
    print(f"SimPy {simpy.__version__} on Python {platform.python_version()}: pace matching, "
          f"{a.duration:g} s simulated ({arrivals} arrivals and service, queue: {a.queue})")
    print(f"  messages produced {produced}  consumed {consumed}  wall {wall:.2f}s")
    print(f"  messages per second      {produced / wall:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
