"""A writer process for the reliability tests: logs batches and prints each committed id.

python writer_process.py URL NAME COUNT SEED     (COUNT < 0: until killed)
"""

import sys

import numpy as np

from ridgeway.monitor import Monitor


def main() -> None:
    url, name, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(seed)
    mon = Monitor(url)
    done = 0
    while count < 0 or done < count:
        X = rng.normal(size=(50, 4))
        y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + 3.0 + rng.normal(size=50)
        batch = mon.log(name, X, y, at=1.7e9 + seed * 1e6 + done)
        print(batch, flush=True)  # printed only after the commit: an acknowledged row
        done += 1
    mon.close()


if __name__ == "__main__":
    main()
