package dev.forge3d.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code forge3d} command line. {@code serve} lives in api-service (it needs Spring); the launcher script
 * routes it there. Every other command is registered here.
 */
@Command(name = "forge3d",
        mixinStandardHelpOptions = true,
        version = "forge3d 0.1.0",
        description = "Self-hostable 3D generation: photos to Gaussian splats, text to 3D.",
        subcommands = {
            CommandLine.HelpCommand.class,
            WorkerCommand.class,
            DoctorCommand.class,
            SubmitCommand.class,
            WaitCommand.class,
            DownloadCommand.class,
            SfmCommand.class,
            SfmEvalCommand.class,
            TrainCommand.class,
            RenderCommand.class,
            ConvertCommand.class,
            MeshCommand.class,
            MasksCommand.class,
            BenchRasterCommand.class,
            TrainPriorCommand.class,
            TextTo3dCommand.class,
            EvalTextTo3dCommand.class,
        })
public final class Forge3dCli implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        // the CLI's log format; embedded in the API, Spring Boot configures logging instead
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "forge3d-cli-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Forge3dCli());
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }
}
