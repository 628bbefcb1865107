-- How many data checks a run ran: none when no row they read had changed since they all passed (an unchanged
-- re-run); `checks_failed` counts the failures among them. Runs before this column have NULL.
alter table runs add column checks_run integer;
