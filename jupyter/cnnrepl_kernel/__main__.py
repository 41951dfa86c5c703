"""`python -m cnnrepl_kernel install [--user|--sys-prefix|--prefix DIR]`, or run the kernel (Jupyter does)."""

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "install":
        from .install import main as install

        install(sys.argv[2:])
        return
    from ipykernel.kernelapp import IPKernelApp

    from .kernel import CnnreplKernel

    IPKernelApp.launch_instance(kernel_class=CnnreplKernel)


if __name__ == "__main__":
    main()
