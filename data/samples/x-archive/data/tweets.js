window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1699000000000000001" ], "editableUntil" : "2023-09-05T15:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "63" ],
      "favorite_count" : "3",
      "id_str" : "1699000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1699000000000000001",
      "created_at" : "Tue Sep 05 14:02:11 +0000 2023",
      "favorited" : false,
      "full_text" : "game tonight, who's coming to the watch party? bringing wings",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Local News 4", "screen_name" : "localnews4", "indices" : [ "3", "14" ], "id_str" : "11111", "id" : "11111" } ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1699000000000000002",
      "id" : "1699000000000000002",
      "created_at" : "Wed Sep 06 08:30:45 +0000 2023",
      "full_text" : "RT @localnews4: DEA warns that counterfeit pills sold through social media often contain fentanyl. Only take medicine from a pharmacy.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "1",
      "id_str" : "1699000000000000003",
      "id" : "1699000000000000003",
      "created_at" : "Thu Sep 07 22:15:09 +0000 2023",
      "full_text" : "💊💊 Roxy 30s &amp; blues in stock, same day drop or ship, DM or telegram @r0xydepot, crypto/cashapp",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "12",
      "id_str" : "1699000000000000004",
      "id" : "1699000000000000004",
      "created_at" : "Fri Sep 08 19:44:30 +0000 2023",
      "full_text" : "my psychiatrist upped my Zoloft dose last month and honestly I feel more like me again",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1699000000000000005",
      "id" : "1699000000000000005",
      "created_at" : "Sat Sep 09 11:05:00 +0000 2023",
      "full_text" : "anyone selling a used PS5? DM me, can pay with PayPal",
      "lang" : "en"
    }
  }
]
