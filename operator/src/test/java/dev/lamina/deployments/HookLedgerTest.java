package dev.lamina.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.deployments.HookReports.HookStatus;
import dev.lamina.deployments.HookReports.Result;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HookLedgerTest {

    private final HookLedger ledger = new HookLedger();

    @Test
    void anExpectedHookReportsOnceAndTheDeploymentTakesItsStatus() {
        ledger.expect("d-1", "pre");
        assertThat(ledger.take("d-1", "pre")).isEmpty();

        assertThat(ledger.report("d-1", "pre", HookStatus.Failed)).isEqualTo(new Result.Accepted());
        assertThat(ledger.take("d-1", "pre")).contains(HookStatus.Failed);

        assertThat(ledger.report("d-1", "pre", HookStatus.Succeeded)).isEqualTo(new Result.AlreadyCompleted());
        assertThat(ledger.take("d-1", "pre")).contains(HookStatus.Failed);
    }

    @Test
    void reportsForUnknownDeploymentsOrExecutionsAreRefused() {
        ledger.expect("d-1", "pre");
        assertThat(ledger.report("d-2", "pre", HookStatus.Succeeded)).isEqualTo(new Result.UnknownDeployment());
        assertThat(ledger.report("d-1", "post", HookStatus.Succeeded)).isEqualTo(new Result.UnknownExecution());
        assertThat(ledger.take("d-1", "post")).isEmpty();
        assertThat(ledger.take("d-2", "pre")).isEmpty();
    }

    @Test
    void anExpiredHookCannotReportAnyMoreButAReportMadeInTimeStays() {
        ledger.expect("d-1", "pre");
        ledger.expect("d-1", "post");
        assertThat(ledger.report("d-1", "post", HookStatus.Succeeded)).isEqualTo(new Result.Accepted());

        ledger.expire("d-1", "pre");
        ledger.expire("d-1", "post");

        assertThat(ledger.report("d-1", "pre", HookStatus.Succeeded)).isEqualTo(new Result.AlreadyCompleted());
        assertThat(ledger.take("d-1", "pre")).isEmpty();
        assertThat(ledger.take("d-1", "post")).contains(HookStatus.Succeeded);
    }

    @Test
    void expectingAHookAgainDoesNotForgetItsReport() {
        ledger.expect("d-1", "pre");
        ledger.report("d-1", "pre", HookStatus.Succeeded);
        ledger.expect("d-1", "pre");
        assertThat(ledger.take("d-1", "pre")).contains(HookStatus.Succeeded);
    }

    @Test
    void ofManyConcurrentReportsExactlyOneIsAccepted() throws Exception {
        ledger.expect("d-1", "pre");
        List<Callable<Result>> reports = IntStream.range(0, 64).<Callable<Result>>mapToObj(i ->
                () -> ledger.report("d-1", "pre", i % 2 == 0 ? HookStatus.Succeeded : HookStatus.Failed)).toList();
        List<Result> results;
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<Result>> futures = threads.invokeAll(reports, 20, TimeUnit.SECONDS);
            results = futures.stream().map(Future::resultNow).toList();
        }
        assertThat(results).filteredOn(r -> r instanceof Result.Accepted).hasSize(1);
        assertThat(results).filteredOn(r -> r instanceof Result.AlreadyCompleted).hasSize(63);
        assertThat(ledger.take("d-1", "pre")).isPresent();
    }
}
