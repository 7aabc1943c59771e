package dev.lamina.sources;

import com.cronutils.model.definition.CronConstraintsFactory;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code cron(minutes hours day-of-month month day-of-week year)} read in a time
 * zone, or {@code rate(N minute|minutes|hour|hours|day|days)}. Cron expressions are parsed by cron-utils with
 * EventBridge's field definitions ({@code ?}, {@code L}, {@code W}, {@code #}, names of months and days, years
 * 1970-2199). Rate ticks fall on whole multiples of the period since the Unix epoch, so every replica and every
 * restart computes the same ticks.
 */
sealed interface ScheduleExpression {

    /** EventBridge's cron: Quartz's fields without seconds. */
    CronDefinition EVENTBRIDGE_CRON = CronDefinitionBuilder.defineCron()
            .withMinutes().withValidRange(0, 59).withStrictRange().and()
            .withHours().withValidRange(0, 23).withStrictRange().and()
            .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().supportsQuestionMark()
            .and()
            .withMonth().withValidRange(1, 12).and()
            .withDayOfWeek().withValidRange(1, 7).withMondayDoWValue(2).supportsHash().supportsL()
            .supportsQuestionMark().and()
            .withYear().withValidRange(1970, 2199).and()
            .withCronValidation(CronConstraintsFactory.ensureEitherDayOfWeekOrDayOfMonth())
            .instance();

    /** The first tick strictly after {@code after}, if the schedule has one. */
    Optional<Instant> next(Instant after);

    /** Parses {@code expression}; an invalid one is refused with the reason. */
    static ScheduleExpression parse(String expression, String timezone) {
        Matcher rate = Pattern.compile("rate\\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\\)")
                .matcher(expression);
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            boolean one = rate.group(2).endsWith("e") || rate.group(2).endsWith("r") || rate.group(2).equals("day");
            if (one != (n == 1)) {
                throw new IllegalArgumentException(expression + ": use the singular unit for 1 and the plural for"
                        + " more, as EventBridge does");
            }
            Duration unit = switch (rate.group(2).charAt(0)) {
                case 'm' -> Duration.ofMinutes(1);
                case 'h' -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return new Rate(unit.multipliedBy(n));
        }
        Matcher cron = Pattern.compile("cron\\((.+)\\)").matcher(expression);
        if (!cron.matches()) {
            throw new IllegalArgumentException(expression + " is neither cron(...) nor rate(...)");
        }
        ZoneId zone;
        try {
            zone = timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("timezone " + timezone + " is not an IANA time zone", e);
        }
        try {
            return new Cron(ExecutionTime.forCron(new CronParser(EVENTBRIDGE_CRON).parse(cron.group(1))), zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(expression + ": " + e.getMessage(), e);
        }
    }

    /** Every {@code period}, on multiples of it since the epoch. */
    record Rate(Duration period) implements ScheduleExpression {
        @Override
        public Optional<Instant> next(Instant after) {
            long periodMillis = period.toMillis();
            long ticks = Math.floorDiv(after.toEpochMilli(), periodMillis) + 1;
            return Optional.of(Instant.ofEpochMilli(ticks * periodMillis));
        }
    }

    /** A cron expression read in {@code zone}. */
    record Cron(ExecutionTime times, ZoneId zone) implements ScheduleExpression {
        @Override
        public Optional<Instant> next(Instant after) {
            return times.nextExecution(after.atZone(zone)).map(t -> t.toInstant());
        }
    }
}
