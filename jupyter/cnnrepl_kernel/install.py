"""Installs the kernelspec "cnnrepl" so that Jupyter offers cnnrepl notebooks."""

import argparse
import json
import os
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

KERNEL_NAME = "cnnrepl"


def kernel_json() -> dict:
    return {
        "argv": [sys.executable, "-m", "cnnrepl_kernel", "-f", "{connection_file}"],
        "display_name": "cnnrepl",
        "language": "cnnrepl",
        # The stop button sends SIGINT; the kernel passes it on to cnnrepl, which stops the computation.
        "interrupt_mode": "signal",
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cnnrepl_kernel install",
                                     description="Install the cnnrepl kernelspec.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help="install into this Python's prefix (a virtual environment)")
    where.add_argument("--prefix", help="install under this prefix")
    args = parser.parse_args(argv)
    user = args.user or not (args.sys_prefix or args.prefix)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        with open(os.path.join(folder, "kernel.json"), "w") as file:
            json.dump(kernel_json(), file, indent=1)
        destination = KernelSpecManager().install_kernel_spec(folder, KERNEL_NAME, user=user, prefix=None if user else prefix)
    print(f"installed the cnnrepl kernelspec in {destination}")


if __name__ == "__main__":
    main()
