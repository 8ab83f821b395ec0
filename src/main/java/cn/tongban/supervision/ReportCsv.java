package cn.tongban.supervision;

import cn.tongban.supervision.SupervisionReport.DepartmentLine;
import cn.tongban.supervision.SupervisionReport.ResourceLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The report as CSV (RFC 4180) for spreadsheets: UTF-8 with a byte-order mark so that Excel and WPS
 * show Chinese, one row per department and resource (a department without resources has one row),
 * a header in Chinese and English. Text that would start a formula is prefixed with {@code '}.
 */
public final class ReportCsv {

    private static final List<String> HEADER = List.of(
            "部门代码 department_uscc",
            "部门名称 department_name",
            "资源代码 resource_code",
            "资源名称 resource_name",
            "收到申请 demands_received",
            "按时答复 answered_in_time",
            "逾期答复 answered_late",
            "未答复 open",
            "逾期未答复 open_overdue",
            "审批工作日中位数 median_approval_working_days",
            "审批工作日90分位 p90_approval_working_days",
            "拒绝理由 refusal_reasons",
            "接收记录 records_received",
            "有效记录 records_accepted",
            "隔离记录 records_quarantined",
            "有效率 valid_ratio",
            "主要失败规则 top_failing_rules",
            "更新周期 update_cycle",
            "应更新间隔 expected_interval",
            "最近接收 last_intake_at",
            "及时性 timeliness",
            "争议可用 disputes_available",
            "新增争议 disputes_opened",
            "办结争议 disputes_closed",
            "逾期争议 disputes_overdue",
            "争议办结天数中位数 median_resolution_days");

    private ReportCsv() {}

    public static byte[] write(SupervisionReport report) {
        StringBuilder out = new StringBuilder("\uFEFF");
        line(out, HEADER);
        for (DepartmentLine d : report.departments()) {
            if (d.resources().isEmpty()) {
                line(out, row(d, null));
            }
            d.resources().forEach(r -> line(out, row(d, r)));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> row(DepartmentLine d, ResourceLine r) {
        List<String> cells = new ArrayList<>();
        cells.add(text(d.uscc()));
        cells.add(text(d.name()));
        cells.add(r == null ? "" : text(r.code()));
        cells.add(r == null ? "" : text(r.name()));
        var demands = d.demands();
        cells.addAll(numbers(
                demands.received(),
                demands.answeredInTime(),
                demands.answeredLate(),
                demands.open(),
                demands.openOverdue(),
                demands.medianApprovalWorkingDays(),
                demands.p90ApprovalWorkingDays()));
        cells.add(text(
                d.refusals().stream().map(c -> c.reason() + " ×" + c.count()).collect(Collectors.joining("; "))));
        cells.addAll(resourceCells(r));
        var disputes = d.disputes();
        cells.add(Boolean.toString(disputes.available()));
        cells.addAll(
                numbers(disputes.opened(), disputes.closed(), disputes.overdue(), disputes.medianResolutionDays()));
        return cells;
    }

    private static List<String> resourceCells(ResourceLine r) {
        if (r == null) {
            return java.util.Collections.nCopies(9, "");
        }
        List<String> cells = new ArrayList<>(numbers(
                r.quality().received(),
                r.quality().accepted(),
                r.quality().quarantined(),
                r.quality().validRatio()));
        cells.add(text(r.quality().topRules().stream()
                .map(c -> c.rule() + " ×" + c.count())
                .collect(Collectors.joining("; "))));
        cells.add(r.timeliness().updateCycle());
        cells.add(r.timeliness().expectedInterval());
        cells.add(Objects.toString(r.timeliness().lastIntakeAt(), ""));
        cells.add(r.timeliness().status().name());
        return cells;
    }

    private static List<String> numbers(Object... values) {
        List<String> cells = new ArrayList<>();
        for (Object v : values) {
            cells.add(v == null ? "" : v.toString());
        }
        return cells;
    }

    /** Free text (names, reasons): quoted when needed, and never read as a formula. */
    private static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append(cells.stream().map(ReportCsv::quoted).collect(Collectors.joining(",")))
                .append("\r\n");
    }

    private static String quoted(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
