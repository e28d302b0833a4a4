/**
 * Words that fill the slots of chat templates. Within a category the order is the frequency rank
 * (first = commonest) and draws follow Zipf's law, so — as in real chats — a few words are everywhere and
 * most are rare. Search benchmarks depend on this: a typical two-character word must match well under 1%
 * of messages, while template words such as 老师 or 作业 stay common.
 */

const list = (s: string): readonly string[] => s.trim().split(/\s+/);

export const WORDS = {
  thing: list(`书包 水杯 铅笔 橡皮 外套 作业本 练习册 雨伞 课本 卷笔刀 文具盒 帽子 围巾 手套 彩笔 蜡笔 尺子 胶棒 剪刀 贴纸
    卡片 绘本 点读笔 耳机 平板 手表 钥匙 口罩 纸巾 湿巾 水壶 饭盒 毛巾 拖鞋 袜子 发卡 头绳 眼镜 校服 马甲 羽绒服 雨衣 雨靴
    书签 笔袋 便签 胶带 订书机 文件夹 相册 奖状 奖牌 积分卡 小红花 印章 证书 字典 地图 日历 台灯 闹钟 收音机 音箱 相机
    充电器 数据线 U盘 铅笔盒 涂改液 荧光笔 水彩笔 画板 颜料 橡皮泥 彩纸 气球 风筝 毽子 皮球 球拍 头盔 护膝 保温杯 吸管
    勺子 筷子 书架 书桌 枕头 被子 玩偶 靠垫 钱包 门卡 车票 发票 收据 宣传单 报名表 通知书 成绩单 试卷 答题卡 作文本
    拼音本 英语本 单词卡 闪卡 词汇书 听力光盘 学习机 复读机 护眼灯 便当盒`),
  food: list(`苹果 香蕉 饺子 面条 米饭 包子 馒头 牛奶 酸奶 鸡蛋 蛋糕 面包 饼干 西瓜 草莓 葡萄 橙子 梨子 桃子 樱桃 芒果 菠萝
    荔枝 龙眼 火龙果 猕猴桃 柚子 橘子 柿子 石榴 蓝莓 哈密瓜 甘蔗 玉米 红薯 土豆 番茄 黄瓜 胡萝卜 白菜 青菜 菠菜 西兰花
    南瓜 茄子 豆腐 豆浆 油条 粽子 汤圆 月饼 年糕 春卷 馄饨 烧麦 煎饼 披萨 汉堡 薯条 炸鸡 鸡翅 牛排 寿司 火锅 烧烤 麻辣烫
    米线 凉皮 肉夹馍 热干面 小笼包 生煎 糖葫芦 棉花糖 巧克力 冰淇淋 雪糕 果冻 布丁 薯片 爆米花 坚果 瓜子 花生 核桃 红枣
    蜂蜜 果汁 可乐 柠檬水 奶茶 绿豆汤 排骨汤 鸡汤 鱼汤 虾仁 螃蟹 鱿鱼 三文鱼 鳕鱼 牛肉 羊肉 猪肉 鸭腿 鸡腿 蛋挞 泡芙
    马卡龙 甜甜圈 三明治 沙拉 意面 咖喱 炒饭 盖饭 稀饭 小米粥 八宝粥 紫菜汤`),
  place: list(`公园 超市 医院 图书馆 外婆家 奶奶家 游乐场 动物园 博物馆 科技馆 体育馆 游泳馆 商场 电影院 书店 少年宫 游乐园
    海洋馆 植物园 水族馆 美术馆 音乐厅 小区 楼下 地铁站 公交站 停车场 校门口 操场 食堂 前台 走廊 电梯口 一楼大厅 南门
    北门 东门 西门 老家 乡下 海边 山上 湖边 江边 广场 步行街 夜市 菜市场 药店 诊所 儿童医院 牙科 眼科 体检中心 银行
    快递站 驿站 早餐店 面包店 奶茶店 餐厅 饭店 酒店 民宿 机场 火车站 高铁站 服务区 高速 隧道 路口 红绿灯 十字路口 天桥
    湿地公园 森林公园 滑雪场 冰场 蹦床馆 攀岩馆 篮球场 足球场 羽毛球馆 乒乓球室 舞蹈室 琴房 画室 书法班 围棋班 托管班
    幼儿园 初中部 社区中心 文化馆 青少年宫 儿童乐园 亲子餐厅 农家乐 采摘园 古镇`),
  activity: list(`练琴 游泳 跳绳 画画 踢球 下棋 跳舞 唱歌 阅读 写字 拼乐高 骑车 滑板 轮滑 爬山 露营 钓鱼 放风筝 打篮球 打羽毛球
    打乒乓球 跑步 做手工 搭积木 拼图 看动画 听故事 讲故事 做实验 种花 养鱼 遛狗 喂猫 包饺子 做蛋糕 烤饼干 逛公园 逛超市
    看电影 看展览 听音乐会 学围棋 学书法 学编程 学跆拳道 学武术 学街舞 学芭蕾 学吉他 学架子鼓 学小提琴 学口才 学主持
    学魔术 学滑雪 学击剑 学马术 背古诗 练口算 做数独 写日记 抄单词 听英语 唱英文歌 看英文绘本 玩桌游 玩沙子 堆雪人 打雪仗
    捉迷藏 过家家 荡秋千 滑滑梯 摘草莓 挖红薯 采茶 野餐 赶海 骑马 划船 漂流 泡温泉 观星 放烟花 剪纸 折纸 捏泥人`),
  illness: list(`发烧 感冒 咳嗽 拉肚子 嗓子疼 流鼻涕 肚子疼 头疼 过敏 呕吐 牙疼 长水痘 手足口 支原体 甲流 扁桃体发炎 中耳炎
    结膜炎 湿疹 荨麻疹 崴脚 骨折 摔伤 擦伤 扭伤 积食 鼻炎 哮喘 肺炎 支气管炎 疱疹 腮腺炎 打疫苗 拔牙 做手术 复查 住院
    输液 不舒服 没精神 睡不好 晕车 中暑 上火 口腔溃疡`),
  reason: list(`出去旅游 回老家 参加婚礼 走亲戚 学校活动 学校考试 期末考试 运动会 合唱比赛 演讲比赛 钢琴考级 舞蹈考级 美术考级
    跆拳道考级 亲子活动 春游 秋游 研学 夏令营 冬令营 家里有事 搬家 奶奶生日 爷爷住院 爸爸出差 妈妈加班 没人接送 车坏了
    航班延误 堵车 疫苗接种 体检 看牙 补课 数学竞赛 作文比赛 科技节 艺术节 开学典礼 家长会 社团活动 足球比赛 游泳比赛
    升旗仪式 朗诵比赛 书法比赛 围棋比赛 乐团排练`),
  praise: list(`认真 积极 专注 大方 勇敢 自信 主动 仔细 耐心 努力 开朗 活泼 有礼貌 守纪律 爱思考 爱提问 反应快 表达清楚 发音标准
    声音洪亮 坐得端正 乐于助人 有创意 有进步 讲礼貌 爱分享 会合作 特别投入 特别专心 特别可爱 特别暖心 记得牢 读得流利
    写得工整 画得漂亮 举手积极 思路清晰 想象力丰富`),
  feeling: list(`开心 高兴 兴奋 紧张 害羞 难过 委屈 生气 着急 担心 焦虑 失落 激动 感动 满足 骄傲 好奇 无聊 疲惫 轻松 放松 踏实
    惊喜 郁闷 烦躁 犹豫 纠结 后悔 内疚 期待 自豪 欣慰 舒服 不安 安心 幸福`),
  weather: list(`降温 下雨 大风 下雪 暴雨 高温 雾霾 台风 寒潮 冰雹 雷阵雨 大雾 降雪 回南天 梅雨 沙尘 闷热 干燥 潮湿 结冰 路滑
    倒春寒 秋老虎 三伏天 暴晒 紫外线强 空气质量差 阴雨连绵`),
  topic: list(`自然拼读 单词 句型 语法 听力 口语 阅读 写作 绘本 对话 发音 字母 音标 时态 复数 介词 动词 形容词 比较级 过去式
    现在进行时 一般将来时 疑问句 否定句 连读 重音 语调 韵律 词根 词汇量 阅读理解 完形填空 看图说话 情景对话 角色扮演
    短文朗读 复述 听写 默写 背诵 跟读 配音 演讲 写话 日记 书信 故事创编 思维导图 剑桥真题 模拟题`),
  event: list(`万圣节派对 圣诞节活动 新年联欢会 绘本剧表演 英语演讲比赛 亲子开放日 家长开放课 期末汇报演出 外教体验课 阶段测评
    期中测评 剑桥模考 读书月 英文歌曲大赛 拼写大赛 户外研学 春季运动会 游园会 跳蚤市场 手工市集 毕业典礼 结业仪式
    颁奖典礼 生日会 感恩节活动 复活节寻蛋 中秋游园 端午包粽子 元宵猜灯谜 植树节 读书分享会 故事大王比赛 才艺展示
    英语嘉年华 公开课 体验课 戏剧工作坊 自然探索营`),
  animal: list(`小猫 小狗 兔子 熊猫 老虎 狮子 大象 长颈鹿 猴子 斑马 企鹅 海豚 鲸鱼 鲨鱼 乌龟 青蛙 蝴蝶 蜜蜂 蚂蚁 小鸟 鹦鹉 孔雀
    公鸡 小鸭 小羊 奶牛 小猪 小马 松鼠 狐狸 恐龙 河马 鳄鱼 袋鼠 考拉 刺猬 仓鼠 金鱼 章鱼 水母 海星 蜗牛 蚯蚓 瓢虫 萤火虫
    猫头鹰 啄木鸟 天鹅 鸽子`),
  toy: list(`乐高 积木 拼图 魔方 奥特曼 芭比 遥控车 小汽车 火车轨道 泡泡机 水枪 毛绒玩具 玩具熊 洋娃娃 飞盘 悠悠球 陀螺 弹珠
    卡牌 贴纸书 磁力片 彩泥 沙画 串珠 厨房玩具 医生玩具 望远镜 放大镜 指南针 机器人 无人机 平衡车 滑板车 扭扭车`),
  subject: list(`数学 语文 科学 美术 音乐 体育 道德与法治 信息课 劳动课 书法 围棋 编程 奥数 阅读课 口算 作文 拼音 古诗 诗词`),
  sport: list(`游泳 篮球 足球 羽毛球 乒乓球 网球 跆拳道 击剑 滑冰 滑雪 轮滑 体操 武术 拳击 攀岩 跳水 田径 骑行 马术 高尔夫 棒球
    排球 射箭 花样跳绳 冰球 橄榄球 帆船 皮划艇`),
  timeword: list(`今天 明天 昨天 昨晚 今晚 刚才 周末 上午 下午 中午 晚上 早上 这周 下周 上周 最近 前两天 这两天 过几天 月底 月初`),
  relative: list(`奶奶 外婆 爷爷 外公 姥姥 姥爷 哥哥 姐姐 弟弟 妹妹 舅舅 姑姑 小姨 阿姨 叔叔 表哥 表姐 堂弟`),
  color: list(`红色 蓝色 黄色 绿色 紫色 粉色 黑色 白色 橙色 灰色 棕色 金色 银色 天蓝色 浅绿色 深蓝色`),
  /** English classroom words: parents and teachers mix them into Chinese sentences */
  en: list(`apple banana cat dog book pen pencil bag ruler eraser desk chair door window red blue green yellow orange pink
    purple black white brown one two three four five six seven eight nine ten hello goodbye thanks sorry please yes no
    mother father sister brother baby grandma grandpa teacher student friend school class home park zoo farm shop
    head face eye ear nose mouth hand foot arm leg hair tooth happy sad hungry thirsty tired angry hot cold big small
    long short tall fat thin run jump swim fly walk sing dance read write draw play eat drink sleep cook wash
    lion tiger monkey elephant giraffe panda rabbit bird fish duck horse cow sheep pig chicken frog bear fox snake
    rice bread egg milk juice water cake cookie candy pizza noodles soup chocolate carrot potato tomato grape
    sun moon star cloud rain snow wind sky tree flower grass river sea mountain beach island forest
    shirt skirt dress coat hat shoe sock jacket sweater scarf glove umbrella kite ball doll robot puzzle train plane
    boat bus car bike taxi ship rocket morning afternoon evening night today tomorrow yesterday weekend Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday spring summer autumn winter birthday party holiday picnic
    kitchen bedroom bathroom garden library hospital supermarket cinema museum playground classroom homework
    phonics alphabet vowel consonant sentence question answer story picture colour number shape circle square
    triangle rectangle heart diamond busy quiet noisy clean dirty careful brave clever kind funny lazy polite`),
};

export type WordCategory = keyof typeof WORDS;

/** Every Chinese word the generator can put into a message (English words excluded), without duplicates. */
export const VOCABULARY: readonly string[] = [
  ...new Set(
    (Object.keys(WORDS) as WordCategory[])
      .filter((k) => k !== 'en')
      .flatMap((k) => WORDS[k]),
  ),
];

export const EMOJI = list(`😊 😂 👍 🙏 🌹 ❤️ 😄 🤣 😁 👏 💪 🎉 ✌️ 😘 🥰 😍 🤔 😅 😭 🙈 🌸 🌈 ☀️ 💯 ✅ 👌 🤝 🎈 🍀 😃`);

/** WeChat's bracket emoji render as images in the client but arrive in the archive as text. */
export const WECHAT_EMOJI = list(`[玫瑰] [强] [抱拳] [微笑] [捂脸] [OK] [愉快] [鼓掌] [爱心] [握手] [偷笑] [呲牙] [耶] [胜利]
  [太阳] [月亮] [庆祝] [加油] [合十] [憨笑] [可怜] [流泪] [害羞] [奸笑] [机智] [好的] [哇] [社会社会]`);

export const EN_PHRASES = list(`What's_your_name? How_are_you? I'm_fine,_thank_you. What_colour_is_it? How_old_are_you?
  What's_this? It's_a_cat. I_like_apples. Can_you_swim? Yes,_I_can. Where_is_the_ball? It's_under_the_chair.
  What_time_is_it? It's_seven_o'clock. Do_you_like_bananas? What's_the_weather_like? It's_sunny_today.
  How_many_books? I_have_two_brothers. Let's_play_together! What_are_you_doing? I'm_reading_a_book.
  What_did_you_do_yesterday? I_went_to_the_park. Whose_bag_is_this? Can_I_help_you? I'd_like_some_juice.`)
  .map((p) => p.replace(/_/g, ' '));

export const SONGS = [
  'ABC Song', 'Twinkle Twinkle Little Star', 'Old MacDonald', 'The Wheels on the Bus', 'Five Little Monkeys',
  'Head Shoulders Knees and Toes', 'If You\'re Happy', 'Row Row Row Your Boat', 'Bingo', 'Hello Song', 'Rain Rain Go Away',
];
