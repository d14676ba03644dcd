package dev.forge3d.api.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Tomcat's part in the API's error handling: {@link ContainerErrorValve} in place of Tomcat's HTML error report
 * (which Spring Boot installs), and {@link RefusedBodyValve} so that refused bodies are not read.
 */
@Configuration
class TomcatConfiguration implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                // Without this the host adds a default HTML report valve of its own when it starts.
                host.setErrorReportValveClass(ContainerErrorValve.class.getName());
            }
            var pipeline = context.getParent().getPipeline();
            for (Valve v : pipeline.getValves()) {
                if (v instanceof ErrorReportValve && !(v instanceof ContainerErrorValve)) pipeline.removeValve(v);
            }
            ContainerErrorValve valve = new ContainerErrorValve();
            valve.setShowReport(false);
            valve.setShowServerInfo(false);
            pipeline.addValve(valve);
            // Outermost, on the engine: the host's error-page handling and report have run when it acts.
            context.getParent().getParent().getPipeline().addValve(new RefusedBodyValve());
        });
    }

    /** After Spring Boot's own customizer, which adds the valve this one replaces. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
