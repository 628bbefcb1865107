-- The articles whose entities the gazetteer finds: the ids only, with their rowids, in rowid order. Their texts are
-- read chunk by chunk (article_texts.sql), each chunk a range of rowids. `matched`: this row of the article was
-- matched by an earlier pass (gazetteer_matched_articles), whose names `gazetteer_surfaces` holds.
select
    articles.rowid as row_no,
    articles.article_id,
    done.article_id is not null as matched,
from articles
left join gazetteer_matched_articles as done
    on done.article_id = articles.article_id
    and done.run_id = articles.run_id
where articles.ner_method = 'gazetteer'
order by articles.rowid
