package io.trendstream.serve;

import io.trendstream.pipeline.JobStatus.Progress;
import io.trendstream.pipeline.JobStatus.QueryStatus;
import io.trendstream.serve.QueryService.TableResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that shapes the API's JSON: SQL results ({@code /api/sql}, the dashboard's
 * panels) and query statuses ({@code /api/queries}, the dashboard). Rates that are not finite
 * (Spark's NaN before any input) become null.
 */
final class Json {
  private Json() {}

  /** {@code {"columns":[..],"rows":[[..]],"truncated":b}}. */
  static Map<String, Object> table(TableResult result) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("columns", result.columns());
    json.put("rows", result.rows());
    json.put("truncated", result.truncated());
    return json;
  }

  /** One object per query: name, status, error, lastProgress, recentProgress, malformedTotal. */
  static List<Map<String, Object>> queries(List<QueryStatus> statuses) {
    List<Map<String, Object>> json = new ArrayList<>();
    for (QueryStatus status : statuses) {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("name", status.name());
      query.put("status", status.status());
      query.put("error", status.error());
      query.put("lastProgress", progress(status.lastProgress()));
      List<Map<String, Object>> recent = new ArrayList<>();
      if (status.recentProgress() != null) {
        for (Progress p : status.recentProgress()) {
          recent.add(progress(p));
        }
      }
      query.put("recentProgress", recent);
      query.put("malformedTotal", status.malformedTotal());
      json.add(query);
    }
    return json;
  }

  private static Map<String, Object> progress(Progress p) {
    if (p == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batchId", p.batchId());
    json.put("timestamp", p.timestamp());
    json.put("inputRows", p.inputRows());
    json.put("inputRowsPerSecond", finite(p.inputRowsPerSecond()));
    json.put("processedRowsPerSecond", finite(p.processedRowsPerSecond()));
    json.put("batchDurationMs", p.batchDurationMs());
    json.put("malformed", p.malformed());
    json.put("consumerLag", p.consumerLag());
    return json;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
