-- The sources whose repeated lines are derived again: those whose articles changed since the last derivation
-- (`repetition_sources`), those new, and those gone.
create or replace temp table changed_sources as
select source_key
from source_fingerprints as current
full outer join repetition_sources as derived using (source_key)
where current.fingerprint is distinct from derived.fingerprint
