-- A repeated line is where it says it is in body_clean, and only a line that is stored as its source's.
-- Run once per part of the articles (flows/warehouse.py): the join holds the bodies of the part's articles.
with

part_articles as (
    select article_id from articles
    where rowid >= $first_row and rowid < $end_row
),

repeated as (
    select article_id, line_no, start_char, line_chars, text, source_key from article_repeated_lines
    semi join part_articles using (article_id)
),

-- The bodies are read here only: in a CTE the semi join above reads too, DuckDB kept them all through the query (it
-- materializes a CTE read twice), beside whatever the join holds (as in sql/repetition/06_article_repeated_lines.sql).
bodies as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

misplaced as (
    select repeated.article_id, repeated.line_no
    from repeated
    inner join bodies using (article_id)
    where substring(bodies.body_clean, repeated.start_char + 1, repeated.line_chars) <> repeated.text
),

unsourced as (
    select repeated.article_id, repeated.line_no
    from repeated
    inner join article_lines using (article_id, line_no)
    anti join repeated_lines using (source_key, line_hash)
),

final as (
    select * from misplaced
    union all
    select * from unsourced
)

select * from final
