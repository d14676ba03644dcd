package dev.forge3d.api.chaos;

import dev.forge3d.api.Forge3dApiApplication;
import org.springframework.boot.SpringApplication;

/**
 * The API as a plain Spring Boot process for {@link CrashChaosTest}, configured only by its {@code --x=y}
 * arguments (Forge3dApiApplication's own main is {@code forge3d serve}, which adds an embedded database).
 */
public final class ChaosApi {
    private ChaosApi() {}

    public static void main(String[] args) {
        SpringApplication.run(Forge3dApiApplication.class, args);
    }
}
