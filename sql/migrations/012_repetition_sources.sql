-- Each source's articles when its repeated lines were last derived, so that a run derives again only the sources
-- whose articles changed: a run that adds articles to one folder leaves every other source's repeated lines as
-- they are. `derived_state` row 'repetition_sources' holds the rule and pipeline version they were derived with;
-- another one derives every source again.
create table repetition_sources (
    source_key varchar not null,
    fingerprint varchar not null         -- sql/repetition/source_fingerprints.sql: its articles' count and id hashes
);
