package dev.forge3d.worker.cli;

import dev.forge3d.runtime.progress.CancelledException;
import picocli.CommandLine;

/** Prints a failure as one readable line (no stack trace unless FORGE3D_DEBUG is set) and picks the exit code. */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof CancelledException) {
            cl.getErr().println("forge3d: canceled");
            return 130;
        }
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cl.getErr().println("forge3d " + cl.getCommandName() + ": " + msg);
        if (System.getenv("FORGE3D_DEBUG") != null) ex.printStackTrace(cl.getErr());
        return 1;
    }
}
