package dev.forge3d.runtime.sds.judge;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;

import java.util.List;
import java.util.Map;

/**
 * What the judge saw in a generated model.
 *
 * @param shape            best-matching primitive over all judge views
 * @param shapeScores      per shape, the best mean silhouette IoU against its templates
 * @param colour           majority colour of the foreground pixels, shading removed
 * @param colourFraction   share of foreground pixels voting for {@link #colour}
 * @param meanRgb          mean foreground colour
 * @param viewShapes       per judge view (azimuths 0, 90, 180, 270), the shape that view alone matches best
 * @param viewColours      per judge view, its majority colour
 * @param janusFree        opposite views (0/180 and 90/270) agree on shape and colour
 */
public record Judgement(Shape shape, Map<Shape, Double> shapeScores, NamedColour colour, double colourFraction, float[] meanRgb,
                        List<Shape> viewShapes, List<NamedColour> viewColours, boolean janusFree) {
}
