package dev.forge3d.api;

import dev.forge3d.api.embedded.ServeCommand;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The API server. {@code main} is {@code forge3d serve}: see {@link ServeCommand}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class Forge3dApiApplication {
    public static void main(String[] args) {
        System.exit(ServeCommand.run(args));
    }
}
