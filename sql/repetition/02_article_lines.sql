-- Key the lines of articles loaded since the last derivation; an article's lines never change, so keyed once.
-- Only lines a repeated line can be are keyed: keying is most of the cost, and long paragraphs are most of the text.
-- Run once per part of the articles, as 06 is: keying the 200k articles of one run at once held all their lines.
insert into article_lines by name
with

part_articles as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

articles as (
    select article_id, body_clean from part_articles
    anti join (select distinct article_id from article_lines) as keyed using (article_id)
),

split as (
    select
        article_id,
        string_split(body_clean, chr(10)) as lines,
        list_transform(string_split(body_clean, chr(10)), line -> length(line)) as lengths,
    from articles
),

-- Each line is followed by one newline: its start is what the lines before it and their newlines take.
located as (
    select
        article_id,
        unnest(range(1, len(lines) + 1)) as line_no,
        unnest(lines) as line,
        unnest(lengths) as line_chars,
        unnest(list_transform(lengths, (line_chars, line_no) -> coalesce(list_sum(lengths[1:line_no - 1]), 0) + line_no - 1)) as start_char,
    from split
),

final as (
    select
        article_id,
        line_no::integer as line_no,
        start_char::integer as start_char,
        line_chars::integer as line_chars,
        case when line_chars <= $max_line_chars then md5_number(repeated_line_key(line)) end as line_hash,
    from located
)

select * from final
