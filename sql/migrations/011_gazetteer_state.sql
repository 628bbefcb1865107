-- What the gazetteer last matched, and with which names, so that a run which adds a few articles to a large
-- warehouse matches those articles, and the articles a changed name occurs in, instead of every article again.
-- `derived_state` row 'gazetteer' holds the pipeline version these were written by; another version matches all.

-- The names the gazetteer matched with (transforms.entities.gazetteer_surfaces): the surface, and the entity and
-- type it was matched as.
create table gazetteer_surfaces (
    surface varchar not null,
    entity_key varchar not null,
    entity_type varchar not null
);

-- The article rows whose gazetteer mentions are those of `gazetteer_surfaces`. An article deleted by a changed
-- input and loaded again is a new row of another run, so it is matched again.
create table gazetteer_matched_articles (
    article_id varchar not null,
    run_id varchar not null              -- articles.run_id of the row that was matched
);

-- How many articles a run's gazetteer pass matched: all of its articles on a first load, the new ones and those a
-- changed name occurs in after that, none when nothing it reads changed. Runs before this column have NULL.
alter table runs add column articles_gazetteer_matched integer;
