-- What each source's repeated lines are now derived from, for the next derivation to compare with.
insert into repetition_sources by name
select source_key, fingerprint from source_fingerprints
